package dev.jnim.engine;

/**
 * A request the engine will not take: {@code status} is the HTTP status the server should answer
 * (400 for a request that can never run, 429 when the waiting queue is full, 503 when shutting
 * down), {@code param} the request field at fault when there is one.
 */
public final class RequestRejectedException extends RuntimeException {

    private final int status;
    private final String param;

    public RequestRejectedException(int status, String param, String message) {
        super(message);
        this.status = status;
        this.param = param;
    }

    public int status() {
        return status;
    }

    public String param() {
        return param;
    }
}
