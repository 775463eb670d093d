package io.toolguard.agent.policy;

import java.util.regex.Pattern;

/**
 * A kind of secret the policy adds to those toolguard recognises by itself (top-level {@code
 * secrets:}): every text its expression finds is redacted as this kind wherever the built-in kinds
 * are, and counts as a secret where a rule withholds results holding one.
 *
 * @param name the kind as shown in place of the value ({@code [redacted NAME sha256:…]}) and in the
 *     message of a withheld result
 * @param pattern what a secret of this kind looks like; each match is one secret, found anywhere in
 *     a text (not anchored)
 * @param location where the entry is written
 */
public record SecretPattern(String name, Pattern pattern, Location location) {}
