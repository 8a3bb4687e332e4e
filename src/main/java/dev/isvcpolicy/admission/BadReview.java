package dev.isvcpolicy.admission;

/** A request the webhook cannot judge; {@code uid} is set when it could be read, so the answer can echo it. */
public final class BadReview extends Exception {

    private final String uid;
    private final Boolean dryRun;

    public BadReview(String uid, String message) {
        this(uid, null, message);
    }

    /** With the request's {@code dryRun} when it could be read (null when not): a malformed dry run is still marked one. */
    public BadReview(String uid, Boolean dryRun, String message) {
        super(message, null, false, false);
        this.uid = uid;
        this.dryRun = dryRun;
    }

    public String uid() {
        return uid;
    }

    public Boolean dryRun() {
        return dryRun;
    }
}
