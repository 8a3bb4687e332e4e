package dev.isvcpolicy.admission;

/** A request the webhook cannot judge; {@code uid} is set when it could be read, so the answer can echo it. */
public final class BadReview extends Exception {

    private final String uid;

    public BadReview(String uid, String message) {
        super(message, null, false, false);
        this.uid = uid;
    }

    public String uid() {
        return uid;
    }
}
