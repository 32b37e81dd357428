/**
 * The tenant-service example: a multi-tenant user service assembled only from the public API of the
 * platform jars. {@link dev.adxcore.platform.examples.tenantservice.TenantService} is the entry point;
 * {@link dev.adxcore.platform.examples.tenantservice.TenantServiceMain} runs it from the command line.
 */
@NullMarked
package dev.adxcore.platform.examples.tenantservice;

import org.jspecify.annotations.NullMarked;
