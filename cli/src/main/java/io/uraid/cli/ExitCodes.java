package io.uraid.cli;

import picocli.CommandLine;

/** Exit codes of every uraid command: 0 success, 1 failure, 2 bad usage. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    private ExitCodes() {
    }

    /** A failure with a one-line message for the user (no stack trace). */
    public static final class CliException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int code;

        public CliException(int code, String message) {
            super(message);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    /** Prints "uraid: message" for expected failures; a stack trace only with URAID_DEBUG set. */
    static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
            int code = ex instanceof CliException c ? c.code()
                    : ex instanceof IllegalArgumentException ? USAGE : FAILURE;
            String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            cl.getErr().println("uraid: " + msg);
            if (System.getenv("URAID_DEBUG") != null) {
                ex.printStackTrace(cl.getErr());
            }
            return code;
        }
    }
}
