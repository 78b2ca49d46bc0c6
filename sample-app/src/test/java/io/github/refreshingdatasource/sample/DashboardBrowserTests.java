package io.github.refreshingdatasource.sample;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.sample.issuer.DemoCredentialIssuer;
import io.github.refreshingdatasource.sample.workload.Workload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real headless Chromium: both bound DataSources' cards, the plain lane
 * failing beside the bound one, "Rotate now", "Revoke" (a rejected login, then the
 * recovery) and "Break" (a health warning, {@code stale} and health DOWN, then healed), while
 * the bound lane fails no query. Saves the README's screenshot. Needs Debian's
 * {@code chromium} and {@code chromium-driver} (.ci/run installs them); runs only with
 * {@code -Pbrowser}.
 */
@Tag("browser")
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "demo.issuer.lifetime=5s", "demo.issuer.grace=2s", "demo.issuer.outage-after-expiry=5s",
				"demo.issuer.revoke-delay=2s", "refreshing.datasource.refresh.before-expiry=3s",
				"refreshing.datasource.health.warn-before-expiry=2s",
				"refreshing.datasource.refresh.retry.max-attempts=2",
				"refreshing.datasource.refresh.retry.initial-interval=100ms",
				"refreshing.datasource.refresh.retry.max-interval=1s",
				// Selenium warns that it has no CDP bindings for this Chromium; the test uses WebDriver only.
				"logging.level.org.openqa.selenium=ERROR" })
@ExtendWith(OutputCaptureExtension.class)
class DashboardBrowserTests {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@Autowired
	private DemoCredentialIssuer issuer;

	@Autowired
	@Qualifier("boundWorkload")
	private Workload workload;

	@Autowired
	@Qualifier("plainDataSource")
	private DataSource plainDataSource;

	@Autowired
	private RecordedSecrets secrets;

	@LocalServerPort
	private int port;

	private WebDriver driver;

	@BeforeEach
	void openBrowser() {
		assertThat(CHROMIUM).as("Chromium (apt-get install chromium)").isExecutable();
		assertThat(CHROMEDRIVER).as("ChromeDriver (apt-get install chromium-driver)").isExecutable();
		// Both binaries are given, so Selenium Manager never tries to download a driver.
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--disable-background-networking", "--disable-component-update", "--no-first-run",
				"--window-size=1400,1000");
		this.driver = new ChromeDriver(service, options);
	}

	@AfterEach
	void closeBrowser() {
		if (this.driver != null) {
			this.driver.quit();
		}
	}

	@Test
	void dashboardShowsEveryButtonsStoryWithoutAFailedQueryInTheBoundLane(CapturedOutput output)
			throws IOException, SQLException {
		this.driver.get("http://localhost:" + this.port + "/");
		WebDriverWait wait = new WebDriverWait(this.driver, TIMEOUT, Duration.ofMillis(100));

		WebElement fingerprint = wait.until((d) -> d.findElement(By.cssSelector("#ds-dataSource .fingerprint")));
		wait.until((d) -> fingerprint.getText().matches("[0-9a-f]{8}"));
		assertThat(text("#ds-dataSource .username")).startsWith("demo_app_");

		// The countdown moves.
		String countdown = wait.until((d) -> nonEmpty(text("#ds-dataSource .expires-in")));
		assertThat(countdown).as("countdown with its UTC time").matches("\\d+ s \\(\\d\\d:\\d\\d:\\d\\d UTC\\)|expired at \\d\\d:\\d\\d:\\d\\d UTC");
		wait.until((d) -> !text("#ds-dataSource .expires-in").equals(countdown));

		// Let the charts fill a little, for the screenshot.
		wait.until((d) -> polls() >= 8);

		// "Rotate now": the dashboard shows the new credential's fingerprint.
		String before = fingerprint.getText();
		this.driver.findElement(By.id("btn-rotate")).click();
		wait.until((d) -> !fingerprint.getText().equals(before)
				&& fingerprint.getText().equals(this.issuer.status().fingerprint()));

		// Both bound DataSources have their card, with their own provider.
		assertThat(text("#ds-dataSource .provider")).isEqualTo("file");
		assertThat(text("#ds-reportingDataSource .provider")).isEqualTo("command");
		assertThat(text("#ds-reportingDataSource .username")).startsWith("demo_reporting_");

		// The plain lane, once its startup password has expired and it needs a new login (as its
		// 30 s max-lifetime would make it), fails beside the bound lane.
		wait.until((d) -> text("#lane-plain .startup-credential").contains("expired at"));
		this.plainDataSource.unwrap(HikariDataSource.class).getHikariPoolMXBean().softEvictConnections();
		wait.until((d) -> !text("#lane-plain .queries-failed").equals("0"));
		assertThat(text("#lane-bound .queries-failed")).isEqualTo("0");

		// "Revoke": a rejected login shows, then the recovery with the replacement.
		String revoked = fingerprint.getText();
		this.driver.findElement(By.id("btn-revoke")).click();
		wait.until((d) -> text("#action-result").contains("rejected logins"));
		wait.until((d) -> !d.findElements(By.cssSelector("#refresh-log li.rejected")).isEmpty());
		wait.until((d) -> !fingerprint.getText().equals(revoked) && text("#ds-dataSource .state").equals("valid"));
		assertThat(text("#lane-bound .queries-failed")).isEqualTo("0");

		// "Break the token source": the failure shows while the credential is served...
		this.driver.findElement(By.id("btn-break")).click();
		WebElement lastError = this.driver.findElement(By.cssSelector("#ds-dataSource .last-error"));
		wait.until((d) -> lastError.getText().contains("JSON has no 'password' field"));
		assertThat(text("#issuer-state")).startsWith("broken");
		assertThat(Long.parseLong(text("#lane-bound .queries-ok"))).isPositive();
		wait.until((d) -> !d.findElements(By.cssSelector("#refresh-log li.failure")).isEmpty());
		// ...a health warning shows before it expires...
		wait.until((d) -> text("#ds-dataSource .health-detail").startsWith("warning"));
		// ...then it expires: the pool keeps its connections, health turns DOWN, no bound query
		// fails. The screenshot for the README.
		wait.until((d) -> text("#health").equals("health DOWN") && text("#ds-dataSource .state").equals("stale"));
		assertThat(text("#lane-bound .queries-failed")).isEqualTo("0");
		saveScreenshot();
		// And it heals by itself.
		wait.until((d) -> text("#health").equals("health UP") && text("#ds-dataSource .state").equals("valid"));
		assertThat(text("#lane-bound .queries-failed")).isEqualTo("0");
		assertThat(this.workload.failures()).isZero();

		String page = this.driver.findElement(By.tagName("body")).getText() + this.driver.getPageSource();
		for (DbCredential credential : this.secrets.all()) {
			assertThat(page).doesNotContain(credential.secret());
			assertThat(output.getAll()).doesNotContain(credential.secret());
		}
		assertThat(this.secrets.all()).hasSizeGreaterThanOrEqualTo(2);
	}

	private String text(String selector) {
		return this.driver.findElement(By.cssSelector(selector)).getText();
	}

	private int polls() {
		String polls = this.driver.findElement(By.tagName("body")).getDomAttribute("data-polls");
		return (polls != null) ? Integer.parseInt(polls) : 0;
	}

	private static String nonEmpty(String text) {
		return (text == null || text.isBlank()) ? null : text;
	}

	private void saveScreenshot() throws IOException {
		File shot = ((ChromeDriver) this.driver).getScreenshotAs(OutputType.FILE);
		Path target = projectRoot().resolve("docs/images/dashboard.png");
		Files.createDirectories(target.getParent());
		Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
		assertThat(Files.size(target)).isPositive();
	}

	private static Path projectRoot() {
		Path directory = Path.of("").toAbsolutePath();
		while (directory != null && !Files.exists(directory.resolve("mvnw"))) {
			directory = directory.getParent();
		}
		assertThat(directory).as("directory holding mvnw").isNotNull();
		return directory;
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class RecordingConfiguration {

		@Bean
		RecordedSecrets recordedSecrets() {
			return new RecordedSecrets();
		}

	}

}
