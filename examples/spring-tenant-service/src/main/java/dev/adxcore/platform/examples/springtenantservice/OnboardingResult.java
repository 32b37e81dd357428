package dev.adxcore.platform.examples.springtenantservice;

/**
 * What onboarding produced: the user and its new status.
 *
 * @param userId the user's id
 * @param status the user's status after onboarding ({@code active})
 * @param version the user's version after onboarding
 */
public record OnboardingResult(String userId, String status, long version) {}
