import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Checks the Maven Central bundle that "-Prelease deploy -Dcentral.skipUpload=true" staged, unpacked into a
 * directory in repository layout: exactly the published modules are there, each with what Central requires
 * (pom, jar, sources, javadoc, a signature and checksums beside each file), the POMs carry the metadata
 * Central requires, and the autoconfigure jar holds what Spring Boot and IDEs read.
 * Usage: java .ci/CheckStagedBundle.java DIR VERSION
 */
public class CheckStagedBundle {

	static final String GROUP = "io/github/refreshingdatasource";

	static final String PARENT = "refreshing-datasource-parent";

	static final String AUTOCONFIGURE = "refreshing-datasource-spring-boot-autoconfigure";

	static final String STARTER = "refreshing-datasource-spring-boot-starter";

	static final List<String> CHECKSUMS = List.of("md5", "sha1");

	static final List<String> failures = new ArrayList<>();

	public static void main(String[] args) throws Exception {
		Path root = Path.of(args[0]);
		String version = args[1];
		Path group = root.resolve(GROUP);
		Set<String> modules = new TreeSet<>();
		try (Stream<Path> children = Files.list(group)) {
			children.forEach((child) -> modules.add(child.getFileName().toString()));
		}
		check(modules.equals(new TreeSet<>(Set.of(PARENT, AUTOCONFIGURE, STARTER))),
				"published modules are exactly " + PARENT + ", " + AUTOCONFIGURE + ", " + STARTER + ", not " + modules);
		for (Map.Entry<String, List<String>> module : Map.of(PARENT, List.of(".pom"), AUTOCONFIGURE,
				List.of(".pom", ".jar", "-sources.jar", "-javadoc.jar"), STARTER,
				List.of(".pom", ".jar", "-sources.jar", "-javadoc.jar")).entrySet()) {
			Path dir = group.resolve(module.getKey()).resolve(version);
			for (String suffix : module.getValue()) {
				Path file = dir.resolve(module.getKey() + "-" + version + suffix);
				if (!check(Files.isRegularFile(file), "staged: " + root.relativize(file))) {
					continue;
				}
				check(Files.isRegularFile(Path.of(file + ".asc")), "signed: " + file.getFileName() + ".asc");
				for (String algorithm : CHECKSUMS) {
					Path sum = Path.of(file + "." + algorithm);
					check(Files.isRegularFile(sum) && Files.readString(sum).strip().equals(digest(file, algorithm)),
							"checksum " + algorithm + " of " + file.getFileName());
				}
			}
			checkPom(dir.resolve(module.getKey() + "-" + version + ".pom"), module.getKey().equals(PARENT));
		}
		Path autoconfigure = group.resolve(AUTOCONFIGURE).resolve(version).resolve(AUTOCONFIGURE + "-" + version);
		checkJar(Path.of(autoconfigure + ".jar"), "META-INF/spring-configuration-metadata.json",
				"META-INF/spring-autoconfigure-metadata.properties",
				"META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports",
				"META-INF/spring/aot.factories", "META-INF/spring.factories");
		checkJar(Path.of(autoconfigure + "-javadoc.jar"), "index.html",
				"io/github/refreshingdatasource/credentials/CredentialProvider.html");
		checkJar(Path.of(autoconfigure + "-sources.jar"),
				"io/github/refreshingdatasource/credentials/CredentialProvider.java");
		if (failures.isEmpty()) {
			System.out.println("Staged bundle OK: " + modules);
			return;
		}
		failures.forEach((failure) -> System.out.println("FAILED: " + failure));
		System.exit(1);
	}

	static void checkPom(Path pom, boolean parent) throws Exception {
		if (!Files.isRegularFile(pom)) {
			return;
		}
		DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
		Document document = factory.newDocumentBuilder().parse(pom.toFile());
		Element project = document.getDocumentElement();
		// Central wants each of these; a child may inherit them from the published parent.
		List<String> required = parent ? List.of("name", "description", "url", "licenses", "developers", "scm")
				: List.of("name", "description");
		for (String element : required) {
			check(child(project, element) != null, pom.getFileName() + " has <" + element + ">");
		}
		if (parent) {
			Element scm = child(project, "scm");
			check(scm != null && child(scm, "url") != null && child(scm, "connection") != null,
					pom.getFileName() + " has <scm><url> and <connection>");
			check(document.getElementsByTagName("license").getLength() > 0 && document.getElementsByTagName("license")
				.item(0)
				.getTextContent()
				.contains("Apache License, Version 2.0"), pom.getFileName() + " names the Apache License 2.0");
		}
		else {
			check(child(project, "parent") != null, pom.getFileName() + " inherits from the published parent");
		}
	}

	static void checkJar(Path jar, String... entries) throws IOException {
		if (!Files.isRegularFile(jar)) {
			return;
		}
		try (ZipFile zip = new ZipFile(jar.toFile())) {
			for (String name : entries) {
				ZipEntry entry = zip.getEntry(name);
				check(entry != null && entry.getSize() > 0, jar.getFileName() + " holds " + name);
			}
		}
	}

	static Element child(Element parent, String name) {
		for (org.w3c.dom.Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
			if (node instanceof Element element && element.getTagName().equals(name)) {
				return element;
			}
		}
		return null;
	}

	static String digest(Path file, String algorithm) throws Exception {
		MessageDigest digest = MessageDigest.getInstance(algorithm.equals("sha1") ? "SHA-1" : algorithm.toUpperCase());
		try (InputStream in = Files.newInputStream(file)) {
			return HexFormat.of().formatHex(digest.digest(in.readAllBytes()));
		}
	}

	static boolean check(boolean condition, String what) {
		if (!condition) {
			failures.add(what);
		}
		return condition;
	}

}
