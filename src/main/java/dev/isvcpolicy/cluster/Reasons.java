package dev.isvcpolicy.cluster;

/** How a failed API call reads in one log line: the root cause's message, cut at 160 characters. */
public final class Reasons {

    private Reasons() {
    }

    public static String shortReason(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return msg.length() > 160 ? msg.substring(0, 157) + "..." : msg;
    }
}
