package io.github.refreshingdatasource.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link in README.md and docs/ points at a file that exists and, with a
 * {@code #fragment}, at a heading of that file (GitHub's anchor rules: lower case, spaces to
 * hyphens, punctuation dropped). Links into code blocks are not links; web links are not
 * fetched (no network here).
 */
class DocumentationLinksTests {

	private static final Path ROOT = Path.of("..");

	private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

	private static final Pattern CODE_BLOCK = Pattern.compile("(?ms)^```.*?^```");

	private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} (.+)$");

	@Test
	void everyLinkAndAnchorResolves() throws IOException {
		List<Path> pages = pages();
		assertThat(pages).hasSizeGreaterThan(10);
		List<String> broken = new ArrayList<>();
		int checked = 0;
		for (Path page : pages) {
			Matcher link = LINK.matcher(withoutCode(Files.readString(page)));
			while (link.find()) {
				String target = link.group(1);
				if (target.matches("^[a-z]+:.*")) {
					continue;
				}
				checked++;
				int hash = target.indexOf('#');
				String path = (hash >= 0) ? target.substring(0, hash) : target;
				Path file = path.isEmpty() ? page : page.getParent().resolve(path).normalize();
				if (!Files.exists(file)) {
					broken.add(ROOT.relativize(page) + ": " + target + " (no such file)");
				}
				else if (hash >= 0 && !anchors(file).contains(target.substring(hash + 1))) {
					broken.add(ROOT.relativize(page) + ": " + target + " (no such heading)");
				}
			}
		}
		assertThat(checked).isGreaterThan(20);
		assertThat(broken).isEmpty();
	}

	private static List<Path> pages() throws IOException {
		List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
		try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
			docs.filter((path) -> path.toString().endsWith(".md")).sorted().forEach(pages::add);
		}
		return pages;
	}

	private static Set<String> anchors(Path file) throws IOException {
		Set<String> anchors = new HashSet<>();
		if (!file.toString().endsWith(".md")) {
			return anchors;
		}
		Matcher heading = HEADING.matcher(withoutCode(Files.readString(file)));
		while (heading.find()) {
			anchors.add(heading.group(1)
				.strip()
				.toLowerCase(Locale.ROOT)
				.replaceAll("[^\\p{L}\\p{N}\\- _]", "")
				.replace(' ', '-'));
		}
		return anchors;
	}

	private static String withoutCode(String markdown) {
		return CODE_BLOCK.matcher(markdown).replaceAll("");
	}

}
