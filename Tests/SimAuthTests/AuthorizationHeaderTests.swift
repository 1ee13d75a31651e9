import SimAuth
import Testing

/// Where the token comes from (reference §1.2): header wins, `Bearer ` required, query as fallback.
@Suite struct AuthorizationHeaderTests {
    /// A bearer header gives its token.
    @Test func bearerHeader() {
        #expect(AuthorizationHeader.token(from: "Bearer abc.def.ghi", queryToken: nil) == .success("abc.def.ghi"))
    }

    /// The header wins over the query parameter.
    @Test func headerWinsOverQuery() {
        #expect(AuthorizationHeader.token(from: "Bearer from-header", queryToken: "from-query") == .success("from-header"))
    }

    /// Without a header the `access_token` query parameter is used.
    @Test func queryFallback() {
        #expect(AuthorizationHeader.token(from: nil, queryToken: "from-query") == .success("from-query"))
        #expect(AuthorizationHeader.token(from: "", queryToken: "from-query") == .success("from-query"))
    }

    /// No token anywhere (or an empty one) is `nil`, left to the caller's "no permissions" rule.
    @Test func noToken() {
        #expect(AuthorizationHeader.token(from: nil, queryToken: nil) == .success(nil))
        #expect(AuthorizationHeader.token(from: nil, queryToken: "") == .success(nil))
        #expect(AuthorizationHeader.token(from: "Bearer ", queryToken: "from-query") == .success(nil))
    }

    /// A header that does not start with exactly `Bearer ` is a 401 with LiveKit's text, even if a query token exists.
    @Test(arguments: ["Basic dXNlcjpwYXNz", "bearer abc", "Bearer", "BEARER abc", "Bearerabc", " Bearer abc", "Token abc"])
    func nonBearerHeaderRejected(header: String) {
        let result = AuthorizationHeader.token(from: header, queryToken: "from-query")
        #expect(result == .failure(AuthRejection(status: 401, message: "invalid authorization header. Must start with Bearer ")))
        #expect(AuthRejection.invalidAuthorizationHeader.message.hasSuffix("Bearer "))
    }

    /// Only the prefix is removed; the rest is passed through untouched.
    @Test func tokenIsNotTrimmed() {
        #expect(AuthorizationHeader.token(from: "Bearer  two-spaces ", queryToken: nil) == .success(" two-spaces "))
    }
}
