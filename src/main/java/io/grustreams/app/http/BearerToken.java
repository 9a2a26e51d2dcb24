package io.grustreams.app.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The shared secret that protects the HTTP API's data endpoints ({@code /keys}, {@code /models}):
 * a request carries it as {@code Authorization: Bearer <token>} (RFC 6750). Every instance of an
 * application is given the same token, and an instance forwarding a key query sends it on.
 *
 * <p>The comparison takes the same time whatever the presented value: both sides are hashed with
 * SHA-256 and the digests compared with {@link MessageDigest#isEqual}, so neither the content nor
 * the length of the token leaks through timing. {@link #toString()} never shows the token.
 */
public final class BearerToken {

    /** Shorter tokens are refused: a guessable token protects nothing. */
    public static final int MIN_LENGTH = 16;
    private static final String SCHEME = "Bearer ";

    private final String token;
    private final byte[] digest;

    private BearerToken(String token) {
        this.token = token;
        this.digest = sha256(token.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The token in {@code file}: its content with surrounding whitespace (a trailing newline) removed.
     *
     * @param setting the configuration key that named the file, for the error messages
     * @throws IllegalArgumentException naming {@code setting} if the file cannot be read, or its token is
     *     shorter than {@value #MIN_LENGTH} characters or holds characters a header value cannot carry
     */
    public static BearerToken fromFile(Path file, String setting) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(setting + " names a file that cannot be read: " + file + " (" + e + ")", e);
        }
        return of(text.strip(), setting + " (" + file + ")");
    }

    /**
     * @param token the secret; at least {@value #MIN_LENGTH} visible ASCII characters, no spaces
     * @param source where it came from, for the error messages
     */
    static BearerToken of(String token, String source) {
        if (token.length() < MIN_LENGTH) {
            throw new IllegalArgumentException(source + ": the token has " + token.length() + " characters, fewer than "
                    + MIN_LENGTH + " (e.g. openssl rand -hex 32)");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c <= ' ' || c > '~') {
                throw new IllegalArgumentException(source + ": the token must be visible ASCII without spaces; character "
                        + i + " is not");
            }
        }
        return new BearerToken(token);
    }

    /**
     * Whether an {@code Authorization} header value presents this token.
     *
     * @param authorization the header's value, or null when the request has none
     */
    boolean accepts(String authorization) {
        if (authorization == null || authorization.length() < SCHEME.length()
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        byte[] presented = sha256(authorization.substring(SCHEME.length()).strip().getBytes(StandardCharsets.UTF_8));
        return MessageDigest.isEqual(digest, presented);
    }

    /** The {@code Authorization} header value that presents this token. */
    String header() {
        return SCHEME + token;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "BearerToken[redacted]";
    }
}
