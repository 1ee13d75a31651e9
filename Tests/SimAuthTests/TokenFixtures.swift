import Foundation
import SimAuth
import SimCore

/// Shared inputs for the SimAuth tests: a fixed clock reading and hand-built tokens.
enum TokenFixtures {
    /// The fixed "now" of every test: 2023-11-14T22:13:20Z.
    static let now = Date(timeIntervalSince1970: 1_700_000_000)
    /// `now` in whole seconds.
    static let nowSeconds: Int64 = 1_700_000_000
    /// A verifier that knows only the dev credentials.
    static let devVerifier = TokenVerifier(keys: DevCredentials.keys)
    /// The serialized HS256 header the SDKs send.
    static let hs256Header = #"{"alg":"HS256","typ":"JWT"}"#

    /// Base64url without padding.
    static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A compact JWS over literal header and payload JSON, signed with `secret`.
    static func signed(header: String = hs256Header, payload: String, secret: String = DevCredentials.secret) -> String {
        let signingInput = base64URL(Array(header.utf8)) + "." + base64URL(Array(payload.utf8))
        return signingInput + "." + TokenMinter.signature(of: signingInput, secret: secret)
    }

    /// A dev-key token for `alice` in `room-1`, with the given validity window.
    static func devToken(nbf: Int64? = nowSeconds, exp: Int64? = nowSeconds + 3600) -> String {
        var claims = AccessTokenClaims(sub: "alice", video: .join("room-1"))
        claims.nbf = nbf
        claims.exp = exp
        return TokenMinter.mint(claims: claims, apiKey: DevCredentials.apiKey, secret: DevCredentials.secret)
    }

    /// The `TokenError` thrown by verifying `token` at `now`, or `nil` if it verifies.
    static func error(of token: String, verifier: TokenVerifier = devVerifier, now: Date = now) -> TokenError? {
        do {
            _ = try verifier.verify(token, now: now)
            return nil
        } catch {
            return error
        }
    }
}
