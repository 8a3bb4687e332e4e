package dev.isvcpolicy.policy;

/** The admission operations the policy judges; anything else is admitted untouched. */
public enum Operation {
    CREATE,
    UPDATE
}
