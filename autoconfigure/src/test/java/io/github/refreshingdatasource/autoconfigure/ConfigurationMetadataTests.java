package io.github.refreshingdatasource.autoconfigure;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata an IDE completes from: every {@code refreshing.datasource.*}
 * property (and the endpoint's {@code management.endpoint.dbcredentials.*}) whose type is an
 * enum offers every constant as a value hint, as written in
 * properties, so adding a provider type or a mode without its hint fails here.
 */
class ConfigurationMetadataTests {

	@Test
	void everyEnumValuedPropertyHintsEveryValue() throws Exception {
		JsonNode metadata = metadata();
		Map<String, List<String>> hints = new java.util.HashMap<>();
		for (JsonNode hint : metadata.get("hints")) {
			List<String> values = new ArrayList<>();
			hint.get("values").forEach((value) -> values.add(value.get("value").asString()));
			hints.put(hint.get("name").asString(), values);
		}
		List<String> enumProperties = new ArrayList<>();
		for (JsonNode property : metadata.get("properties")) {
			String name = property.get("name").asString();
			Class<?> type = enumType(property);
			if (!(name.startsWith("refreshing.datasource.") || name.contains(".dbcredentials.")) || type == null) {
				continue;
			}
			enumProperties.add(name);
			String[] expected = Arrays.stream(type.getEnumConstants())
				.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'))
				.toArray(String[]::new);
			assertThat(hints.get(name)).as("value hints of %s", name).containsExactlyInAnyOrder(expected);
		}
		assertThat(enumProperties).contains("refreshing.datasource.provider.type", "refreshing.datasource.on-rotation",
				"refreshing.datasource.refresh.mode", "management.endpoint.dbcredentials.access");
		for (JsonNode hint : metadata.get("hints")) {
			hint.get("values")
				.forEach((value) -> assertThat(value.path("description").asString(""))
					.as("description of %s=%s", hint.get("name").asString(), value.get("value").asString())
					.isNotBlank());
		}
	}

	private static Class<?> enumType(JsonNode property) {
		String type = property.path("type").asString("");
		if (type.startsWith("java.")) {
			return null;
		}
		try {
			Class<?> candidate = Class.forName(type);
			return candidate.isEnum() ? candidate : null;
		}
		catch (ClassNotFoundException ex) {
			return null;
		}
	}

	private static JsonNode metadata() throws Exception {
		try (InputStream in = Objects.requireNonNull(ConfigurationMetadataTests.class.getClassLoader()
			.getResourceAsStream("META-INF/spring-configuration-metadata.json"))) {
			return JsonMapper.builder().build().readTree(in);
		}
	}

}
