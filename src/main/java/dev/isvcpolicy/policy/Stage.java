package dev.isvcpolicy.policy;

/** Which answer is asked for: the API server's two calls, or both in order (the offline check and the scan). */
public enum Stage {
    /** {@code /mutate}: the patch and what the user should know of it. */
    MUTATE,
    /** {@code /validate}: every finding on the object as the API server would store it. */
    VALIDATE,
    /** {@code /mutate}, then {@code /validate} on its output: what a {@code kubectl apply} would end with. */
    BOTH
}
