package io.github.refreshingdatasource.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata the processor generates from the properties' Javadoc is what
 * IDEs show and what {@code docs/properties.md} lists, so the page never drifts: every
 * {@code refreshing.datasource.*} property has a description, and the page's generated table
 * equals the metadata. After adding or changing a property, rewrite the page with
 * {@code ./mvnw -pl autoconfigure test -Dtest=PropertiesDocumentationTests -Dproperties.docs.write=true}.
 */
class PropertiesDocumentationTests {

	static final Path METADATA = Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json");

	static final Path PAGE = Path.of("..", "docs", "properties.md");

	static final String BEGIN = "<!-- BEGIN GENERATED from spring-configuration-metadata.json: do not edit by hand -->";

	static final String END = "<!-- END GENERATED -->";

	@Test
	void everyPropertyHasADescription() throws IOException {
		List<JsonNode> properties = properties();
		assertThat(properties).hasSizeGreaterThan(30);
		assertThat(properties).filteredOn((property) -> property.path("description").asString("").isBlank())
			.extracting((property) -> property.path("name").asString())
			.isEmpty();
	}

	@Test
	void propertiesPageListsTheMetadata() throws IOException {
		String page = Files.readString(PAGE);
		int begin = page.indexOf(BEGIN);
		int end = page.indexOf(END);
		assertThat(begin).as("generated block in %s", PAGE).isNotNegative();
		assertThat(end).isGreaterThan(begin);
		String expected = page.substring(0, begin + BEGIN.length()) + "\n" + table() + page.substring(end);
		if (Boolean.getBoolean("properties.docs.write")) {
			Files.writeString(PAGE, expected);
		}
		assertThat(page).as("docs/properties.md is out of date; rewrite it with -Dproperties.docs.write=true")
			.isEqualTo(expected);
	}

	private static String table() throws IOException {
		StringBuilder table = new StringBuilder("| Property | Type | Default | Description |\n|---|---|---|---|\n");
		for (JsonNode property : properties()) {
			table.append("| `")
				.append(property.path("name").asString())
				.append("` | `")
				.append(simpleType(property.path("type").asString("")))
				.append("` | ")
				.append(property.has("defaultValue") ? "`" + defaultValue(property.get("defaultValue")) + "`" : "")
				.append(" | ")
				.append(cell(property.path("description").asString("")))
				.append(" |\n");
		}
		return table.toString();
	}

	private static List<JsonNode> properties() throws IOException {
		JsonNode metadata = JsonMapper.shared().readTree(Files.readString(METADATA));
		List<JsonNode> properties = new ArrayList<>();
		for (JsonNode property : metadata.path("properties")) {
			String name = property.path("name").asString();
			if (name.startsWith("refreshing.datasource.") || name.contains(".dbcredentials.")) {
				properties.add(property);
			}
		}
		properties.sort(Comparator.comparing((JsonNode property) -> property.path("name").asString()));
		return properties;
	}

	private static String simpleType(String type) {
		// java.util.Map<java.lang.String,java.lang.String> -> Map<String,String>
		return type.replaceAll("([a-z0-9_]+\\.)+", "").replace('$', '.');
	}

	private static String defaultValue(JsonNode value) {
		if (value.isArray()) {
			List<String> items = new ArrayList<>();
			value.forEach((item) -> items.add(item.asString()));
			return String.join(",", items);
		}
		return value.asString();
	}

	private static String cell(String text) {
		return text.replace("\n", " ").replace("|", "\\|").strip();
	}

}
