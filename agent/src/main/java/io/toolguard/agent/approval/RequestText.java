package io.toolguard.agent.approval;

/**
 * A request as every channel shows it — terminal, web page, JSON API and webhook — made once by
 * {@link CallText}: each text with its control, invisible and bidirectional characters escaped, so
 * that nothing a model or a tool chose can act on the approver's terminal or reorder what they
 * read.
 *
 * @param tool the tool's name
 * @param method {@code class#method}, or the kind of access asked about
 * @param arguments the arguments, long values as head…tail with their length
 * @param shortened whether any value was shortened; the whole text is {@link
 *     CallText#arguments(CallArguments, boolean)}
 * @param thread the name of the thread that waits
 * @param rule the rule that asked, as {@code file:line}
 * @param callHash the call's hash, which a decision must repeat
 */
public record RequestText(
    String tool,
    String method,
    String arguments,
    boolean shortened,
    String thread,
    String rule,
    String callHash) {}
