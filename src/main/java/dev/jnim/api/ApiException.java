package dev.jnim.api;

/**
 * A request the API refuses, carrying everything the OpenAI error body needs:
 * {@code {"error":{"message","type","param","code"}}} and the HTTP status. Thrown by parsing and
 * validation (always before any engine work) and by the server's handlers.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String param;

    public ApiException(int status, String param, String message) {
        super(message, null, false, false); // an expected answer, not a bug: no stack trace
        this.status = status;
        this.param = param;
    }

    /** 400: a field is missing, has the wrong type or is out of range. */
    public static ApiException badRequest(String param, String message) {
        return new ApiException(400, param, message);
    }

    /** 400 for a feature whose issue has not landed; never silently ignored. */
    public static ApiException notSupportedYet(String param, String what) {
        return new ApiException(400, param, what + " not supported yet");
    }

    public int status() {
        return status;
    }

    /** The request field at fault, or null. */
    public String param() {
        return param;
    }

    /** The OpenAI error {@code type} for this status (as vLLM / the OpenAI SDKs name them). */
    public String type() {
        return typeFor(status);
    }

    public static String typeFor(int status) {
        return switch (status) {
            case 400, 413, 415 -> "BadRequestError";
            case 401 -> "AuthenticationError";
            case 403 -> "PermissionDeniedError";
            case 404 -> "NotFoundError";
            case 405 -> "MethodNotAllowedError";
            case 429 -> "RateLimitError";
            case 503 -> "ServiceUnavailableError";
            default -> "InternalServerError";
        };
    }
}
