package dev.adxcore.platform.examples.gateway.internal;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * The client's request body as the upstream request's content, streamed chunk by chunk with
 * back-pressure, failing with {@link TooLargeException} once more than the limit has been read (bodies
 * without a Content-Length, or that lie about it). Used by one exchange on one thread at a time.
 */
final class LimitedRequestContent implements org.eclipse.jetty.client.Request.Content {

    private final Request request;
    private final long limit;
    private long read;

    /** The body grew past the configured limit. */
    static final class TooLargeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLargeException(long limit) {
            super("request body larger than " + limit + " bytes", null, false, false);
        }
    }

    LimitedRequestContent(Request request, long limit) {
        this.request = request;
        this.limit = limit;
    }

    @Override
    public long getLength() {
        return request.getLength();
    }

    @Override
    public Content.Chunk read() {
        Content.Chunk chunk = request.read();
        if (chunk != null && chunk.hasRemaining()) {
            read += chunk.remaining();
            if (read > limit) {
                chunk.release();
                TooLargeException failure = new TooLargeException(limit);
                return Content.Chunk.from(failure, true);
            }
        }
        return chunk;
    }

    @Override
    public void demand(Runnable demandCallback) {
        request.demand(demandCallback);
    }

    @Override
    public void fail(Throwable failure) {
        request.fail(failure);
    }

    @Override
    public String getContentType() {
        return request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    }

    @Override
    public boolean rewind() {
        return false;
    }
}
