package io.github.refreshingdatasource.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Replaces one generated section of a Markdown file, between
 * {@code <!-- begin:name -->} and {@code <!-- end:name -->}, and leaves the hand-written
 * rest alone. A file or section that does not exist yet is appended to.
 */
final class MarkdownSection {

	private MarkdownSection() {
	}

	static void write(Path file, String name, String content) throws IOException {
		String begin = "<!-- begin:" + name + " (generated; edit outside these markers) -->";
		String end = "<!-- end:" + name + " -->";
		String block = begin + "\n" + content.strip() + "\n" + end;
		String text = Files.exists(file) ? Files.readString(file) : "";
		int from = text.indexOf("<!-- begin:" + name + " ");
		int to = text.indexOf(end);
		if (from >= 0 && to > from) {
			text = text.substring(0, from) + block + text.substring(to + end.length());
		}
		else {
			text = text + (text.isEmpty() || text.endsWith("\n\n") ? "" : "\n") + block + "\n";
		}
		if (file.getParent() != null) {
			Files.createDirectories(file.getParent());
		}
		Files.writeString(file, text);
	}

}
