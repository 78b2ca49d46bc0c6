package io.github.refreshingdatasource.sample.issuer;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The dashboard's demo buttons: act on the issuer as an operator of the identity service
 * would.
 */
@RestController
@RequestMapping("/demo/issuer")
@ConditionalOnBooleanProperty(name = "demo.issuer.enabled", matchIfMissing = true)
class DemoIssuerController {

	private final DemoCredentialIssuer issuer;

	DemoIssuerController(DemoCredentialIssuer issuer) {
		this.issuer = issuer;
	}

	@GetMapping
	IssuerStatus status() {
		return this.issuer.status();
	}

	@PostMapping("/rotate")
	IssuerStatus rotate() {
		return this.issuer.rotate();
	}

	@PostMapping("/revoke")
	IssuerStatus revoke() {
		return this.issuer.revoke();
	}

	@PostMapping("/break")
	IssuerStatus breakSource() {
		return this.issuer.breakSource();
	}

	@PostMapping("/heal")
	IssuerStatus heal() {
		return this.issuer.heal();
	}

	@ExceptionHandler(IllegalStateException.class)
	@ResponseStatus(HttpStatus.CONFLICT)
	ActionRefused refused(IllegalStateException ex) {
		return new ActionRefused(ex.getMessage());
	}

	record ActionRefused(String message) {
	}

}
