/**
 * Implementation of the tenant-service example: HTTP handling, the user repository, the event consumers
 * and the onboarding workflow. Not an API: public only where the Temporal SDK or TenantService needs it.
 */
@NullMarked
package dev.adxcore.platform.examples.tenantservice.impl;

import org.jspecify.annotations.NullMarked;
