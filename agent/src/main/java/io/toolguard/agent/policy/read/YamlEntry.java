package io.toolguard.agent.policy.read;

/** One {@code key: value} of a {@link YamlMap}. */
record YamlEntry(YamlNode key, YamlNode value) {}
