import Crypto
import Foundation
import SimCore

/// Signs access tokens the way LiveKit's server SDKs do: HS256 JWS with header `{"alg":"HS256","typ":"JWT"}`.
public enum TokenMinter {
    /// The fixed JOSE header, already serialized with sorted keys.
    private static let header = #"{"alg":"HS256","typ":"JWT"}"#

    /// Signs `claims` with `secret`, setting `iss` to `apiKey`.
    ///
    /// The payload is JSON with sorted keys and unescaped slashes, so the same claims always give the same token.
    /// - Parameters:
    ///   - claims: the claims to sign; absent fields are omitted.
    ///   - apiKey: the key, written as `iss`.
    ///   - secret: the HMAC-SHA256 key.
    public static func mint(claims: AccessTokenClaims, apiKey: APIKey, secret: String) -> String {
        var claims = claims
        claims.iss = apiKey
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let payload: Data
        do {
            payload = try encoder.encode(claims)
        } catch {
            // Every claim is a string, integer, bool or JSONValue (which writes non-finite numbers as null),
            // so JSONEncoder has nothing it could refuse.
            preconditionFailure("AccessTokenClaims failed to encode: \(error)")
        }
        let signingInput = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(payload)
        return signingInput + "." + signature(of: signingInput, secret: secret)
    }

    /// The base64url HMAC-SHA256 of `signingInput` under `secret` (also used by tests to build golden tokens).
    public static func signature(of signingInput: String, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(signingInput.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return Base64URL.encode(Array(mac))
    }
}
