package io.github.refreshingdatasource.autoconfigure;

/**
 * What happens to pooled connections when a new credential arrives.
 */
public enum OnRotation {

	/** Keep them: a credential matters only at login. */
	KEEP,

	/** Soft-evict them: each is closed when next returned to the pool and replaced with a new login. */
	EVICT

}
