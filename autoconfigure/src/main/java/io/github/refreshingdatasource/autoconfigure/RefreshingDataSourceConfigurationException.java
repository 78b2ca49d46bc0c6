package io.github.refreshingdatasource.autoconfigure;

/**
 * Thrown at startup when the credential configuration of a DataSource cannot work; its
 * {@link RefreshingDataSourceFailureAnalyzer failure analysis} says what is wrong and what
 * to set.
 */
public class RefreshingDataSourceConfigurationException extends RuntimeException {

	private final String action;

	/**
	 * Create an exception.
	 * @param description what is wrong, naming the DataSource and the property
	 * @param action what to set or change
	 */
	public RefreshingDataSourceConfigurationException(String description, String action) {
		this(description, action, null);
	}

	public RefreshingDataSourceConfigurationException(String description, String action, Throwable cause) {
		super(description, cause);
		this.action = action;
	}

	public String getDescription() {
		return getMessage();
	}

	public String getAction() {
		return this.action;
	}

}
