/// Finds the access token of a request the way LiveKit's `APIKeyAuthMiddleware` does (reference §1.2).
public enum AuthorizationHeader {
    /// The scheme prefix LiveKit requires, case-sensitive and with one space.
    public static let bearerPrefix = "Bearer "

    /// The token from an `Authorization` header value or the `access_token` query parameter.
    ///
    /// A non-empty header wins over the query; a header that does not start with `Bearer ` is refused
    /// (401). An empty token from either place counts as no token, so the result is `nil`.
    /// - Parameters:
    ///   - headerValue: the `Authorization` header, if present.
    ///   - queryToken: the `access_token` query parameter, if present.
    public static func token(from headerValue: String?, queryToken: String?) -> Result<String?, AuthRejection> {
        if let headerValue, !headerValue.isEmpty {
            // Byte-wise, as Go's strings.HasPrefix: no Unicode equivalence, no case folding.
            guard headerValue.utf8.starts(with: bearerPrefix.utf8) else { return .failure(.invalidAuthorizationHeader) }
            let token = String(decoding: headerValue.utf8.dropFirst(bearerPrefix.utf8.count), as: UTF8.self)
            return .success(token.isEmpty ? nil : token)
        }
        guard let queryToken, !queryToken.isEmpty else { return .success(nil) }
        return .success(queryToken)
    }
}
