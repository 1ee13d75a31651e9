import Foundation
import SimAuth
import SimCore
import Testing

/// Verification: round trips, a Python-SDK-shaped golden token, every refusal and the leeway edges.
@Suite struct TokenVerifierTests {
    /// A token minted by `AccessTokenBuilder` verifies and carries what was put in.
    @Test func mintThenVerifyRoundTrip() throws {
        var builder = AccessTokenBuilder(apiKey: DevCredentials.apiKey, secret: DevCredentials.secret)
        builder.identity = "alice"
        builder.name = "Alice"
        builder.metadata = #"{"k":"v"}"#
        builder.attributes = ["a": "1"]
        builder.video = VideoGrant(roomJoin: true, room: "room-1", canPublish: false)
        let jwt = builder.jwt(now: TokenFixtures.now)

        let verified = try TokenFixtures.devVerifier.verify(jwt, now: TokenFixtures.now)
        #expect(verified.apiKey == DevCredentials.apiKey)
        #expect(verified.identity == Identity("alice"))
        #expect(verified.token == jwt)
        #expect(verified.claims.name == "Alice")
        #expect(verified.claims.metadata == #"{"k":"v"}"#)
        #expect(verified.claims.attributes == ["a": "1"])
        #expect(verified.claims.nbf == TokenFixtures.nowSeconds)
        #expect(verified.claims.iat == TokenFixtures.nowSeconds)
        #expect(verified.claims.exp == TokenFixtures.nowSeconds + 6 * 3600)
        #expect(verified.video == VideoGrant(roomJoin: true, room: "room-1", canPublish: false))
        #expect(verified.claims == builder.claims(now: TokenFixtures.now))
    }

    /// A token laid out as LiveKit's Python SDK writes it (pyjwt header, every grant key explicit,
    /// an extra `identity` claim), generated once with Python's `hmac`/`base64`, verifies.
    @Test func pythonSDKGoldenTokenVerifies() throws {
        let golden = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZGVudGl0eSI6InB5dGhvbi1ib3QiLCJuYW1lIjoiUHl0aG9uIEJvdCIsInZpZGVvIjp7InJvb21DcmVhdGUiOmZhbHNlLCJyb29tTGlzdCI6ZmFsc2UsInJvb21SZWNvcmQiOmZhbHNlLCJyb29tQWRtaW4iOmZhbHNlLCJyb29tSm9pbiI6dHJ1ZSwicm9vbSI6ImdvbGRlbi1yb29tIiwiY2FuUHVibGlzaCI6dHJ1ZSwiY2FuU3Vic2NyaWJlIjp0cnVlLCJjYW5QdWJsaXNoRGF0YSI6dHJ1ZSwiY2FuUHVibGlzaFNvdXJjZXMiOltdLCJjYW5VcGRhdGVPd25NZXRhZGF0YSI6ZmFsc2UsImluZ3Jlc3NBZG1pbiI6ZmFsc2UsImhpZGRlbiI6ZmFsc2UsInJlY29yZGVyIjpmYWxzZSwiYWdlbnQiOmZhbHNlfSwiYXR0cmlidXRlcyI6eyJ0ZWFtIjoiYmx1ZSJ9LCJtZXRhZGF0YSI6IntcInJvbGVcIjpcInRlc3RlclwifSIsInN1YiI6InB5dGhvbi1ib3QiLCJpc3MiOiJkZXZrZXkiLCJuYmYiOjE2OTk5OTk5OTAsImV4cCI6NDEwMjQ0NDgwMH0.-vWymtQ0_D3zlGVXsz-xwfqQZ_NPKW2Oxw1UXv4_YD8"
        let verified = try TokenFixtures.devVerifier.verify(golden, now: TokenFixtures.now)
        #expect(verified.apiKey == "devkey")
        #expect(verified.identity == Identity("python-bot"))
        #expect(verified.claims.name == "Python Bot")
        #expect(verified.claims.metadata == #"{"role":"tester"}"#)
        #expect(verified.claims.attributes == ["team": "blue"])
        #expect(verified.claims.nbf == 1_699_999_990)
        #expect(verified.claims.exp == 4_102_444_800)
        let video = try #require(verified.video)
        #expect(video.roomJoin == true)
        #expect(video.room == RoomName("golden-room"))
        #expect(video.canPublishSources == [])
        #expect(video.effectivePublishSources == TrackSourceName.allCases)
        #expect(video.effectiveCanPublishData)
        #expect(video.effectiveCanUpdateOwnMetadata == false)
    }

    /// The same golden bytes, re-signed in-test from literal JSON, verify too (guards the fixture helper).
    @Test func literalJSONTokenVerifies() throws {
        let payload = #"{"sub":"bob","iss":"devkey","nbf":1699999990,"exp":4102444800,"video":{"roomJoin":true,"room":"r"}}"#
        let verified = try TokenFixtures.devVerifier.verify(TokenFixtures.signed(payload: payload), now: TokenFixtures.now)
        #expect(verified.identity == Identity("bob"))
        #expect(verified.video?.room == RoomName("r"))
    }

    /// Without `sub` (or with an empty one) the identity falls back to `jti`; with neither it is `nil`.
    @Test func identityFallsBackToJTI() throws {
        let legacy = TokenMinter.mint(
            claims: AccessTokenClaims(jti: "legacy-id", exp: TokenFixtures.nowSeconds + 60),
            apiKey: DevCredentials.apiKey, secret: DevCredentials.secret)
        #expect(try TokenFixtures.devVerifier.verify(legacy, now: TokenFixtures.now).identity == Identity("legacy-id"))

        let emptySub = TokenMinter.mint(
            claims: AccessTokenClaims(sub: "", jti: "legacy-id", exp: TokenFixtures.nowSeconds + 60),
            apiKey: DevCredentials.apiKey, secret: DevCredentials.secret)
        #expect(try TokenFixtures.devVerifier.verify(emptySub, now: TokenFixtures.now).identity == Identity("legacy-id"))

        let both = AccessTokenClaims(sub: "sub-id", jti: "legacy-id")
        #expect(both.identity == Identity("sub-id"))

        let anonymous = TokenMinter.mint(
            claims: AccessTokenClaims(exp: TokenFixtures.nowSeconds + 60),
            apiKey: DevCredentials.apiKey, secret: DevCredentials.secret)
        #expect(try TokenFixtures.devVerifier.verify(anonymous, now: TokenFixtures.now).identity == nil)
    }

    /// A structurally broken token is `malformed`.
    @Test(arguments: [
        ("", "expected 3 segments"),
        ("abc", "expected 3 segments"),
        ("a.b", "expected 3 segments"),
        ("a.b.c.d", "expected 3 segments"),
        ("..", "bad header"),
        ("!!.e30.AA", "bad header encoding"),
        ("e.e30.AA", "bad header encoding"),
    ])
    func malformedStructure(token: String, detail: String) {
        let error = TokenFixtures.error(of: token)
        #expect(error == .malformed(detail))
        #expect(error?.httpMessage == "invalid authorization token: \(detail)")
    }

    /// Header, payload and signature that do not decode are `malformed` with a short detail.
    @Test func malformedParts() {
        let header = TokenFixtures.base64URL(Array(TokenFixtures.hs256Header.utf8))
        let payload = TokenFixtures.base64URL(Array(#"{"iss":"devkey","exp":1}"#.utf8))
        #expect(TokenFixtures.error(of: "\(TokenFixtures.base64URL(Array("[1]".utf8))).\(payload).AA") == .malformed("bad header"))
        #expect(TokenFixtures.error(of: "\(header).@@.AA") == .malformed("bad payload encoding"))
        #expect(TokenFixtures.error(of: "\(header).\(TokenFixtures.base64URL(Array("nope".utf8))).AA") == .malformed("bad claims"))
        #expect(TokenFixtures.error(of: "\(header).\(payload).A") == .malformed("bad signature encoding"))
        #expect(TokenFixtures.error(of: "\(header).\(payload).a+b/") == .malformed("bad signature encoding"))
    }

    /// Claims of the wrong JSON type are `malformed`, never a trap.
    @Test(arguments: [
        #"{"iss":"devkey","exp":"soon"}"#,
        #"{"iss":"devkey","exp":1e300}"#,
        #"{"iss":"devkey","exp":-1e300}"#,
        #"{"iss":"devkey","exp":9223372036854775808}"#,
        #"{"iss":7,"exp":1}"#,
        #"{"iss":"devkey","exp":1,"video":"yes"}"#,
        #"{"iss":"devkey","exp":1,"video":{"roomJoin":"true"}}"#,
        #"{"iss":"devkey","exp":1,"video":{"canPublishSources":"camera"}}"#,
        #"{"iss":"devkey","exp":1,"attributes":{"a":1}}"#,
        #"[]"#,
        #"null"#,
    ])
    func wrongClaimTypesAreMalformed(payload: String) {
        #expect(TokenFixtures.error(of: TokenFixtures.signed(payload: payload)) == .malformed("bad claims"))
    }

    /// Fractional NumericDates are accepted and truncated, as go-jose does; `null` counts as absent.
    @Test func fractionalAndNullTimes() throws {
        let payload = #"{"iss":"devkey","sub":"x","exp":1700000100.9,"nbf":null,"iat":1.5}"#
        let verified = try TokenFixtures.devVerifier.verify(TokenFixtures.signed(payload: payload), now: TokenFixtures.now)
        #expect(verified.claims.exp == 1_700_000_100)
        #expect(verified.claims.nbf == nil)
        #expect(verified.claims.iat == 1)
    }

    /// Any `alg` but `HS256` is refused, including `none` and other HMAC sizes.
    @Test(arguments: [#"{"alg":"none"}"#, #"{"alg":"HS512","typ":"JWT"}"#, #"{"alg":"RS256"}"#, #"{"alg":"hs256"}"#, #"{"typ":"JWT"}"#, "{}"])
    func unsupportedAlgorithm(header: String) {
        let token = TokenFixtures.signed(header: header, payload: #"{"iss":"devkey","exp":4102444800}"#)
        guard case .unsupportedAlgorithm = TokenFixtures.error(of: token) else {
            Issue.record("expected unsupportedAlgorithm for \(header)")
            return
        }
        #expect(TokenFixtures.error(of: token)?.httpMessage == "invalid authorization token: unsupported algorithm")
    }

    /// `typ` is optional and unchecked.
    @Test func headerWithoutTyp() throws {
        let token = TokenFixtures.signed(header: #"{"alg":"HS256"}"#, payload: #"{"iss":"devkey","sub":"x","exp":4102444800}"#)
        #expect(try TokenFixtures.devVerifier.verify(token, now: TokenFixtures.now).identity == "x")
    }

    /// An `iss` with no secret (or no `iss`, or an empty configured secret) is `invalid API key`.
    @Test func unknownAPIKey() {
        let other = TokenMinter.mint(claims: AccessTokenClaims(sub: "a", exp: 4_102_444_800), apiKey: "otherkey", secret: "secret")
        #expect(TokenFixtures.error(of: other) == .unknownAPIKey("otherkey"))
        #expect(TokenFixtures.error(of: other)?.httpMessage == "invalid API key")

        let noIssuer = TokenFixtures.signed(payload: #"{"sub":"a","exp":4102444800}"#)
        #expect(TokenFixtures.error(of: noIssuer) == .unknownAPIKey(""))
        #expect(TokenFixtures.error(of: noIssuer)?.httpMessage == "invalid API key")

        let emptySecret = TokenVerifier(keys: ["otherkey": ""])
        #expect(TokenFixtures.error(of: other, verifier: emptySecret) == .unknownAPIKey("otherkey"))
    }

    /// A wrong secret, a flipped signature bit or a changed payload is `badSignature`.
    @Test func badSignature() throws {
        let wrongSecret = TokenMinter.mint(claims: AccessTokenClaims(sub: "a", exp: 4_102_444_800), apiKey: DevCredentials.apiKey, secret: "not-the-secret")
        #expect(TokenFixtures.error(of: wrongSecret) == .badSignature)
        #expect(TokenFixtures.error(of: wrongSecret)?.httpMessage == "invalid authorization token: invalid signature")

        let good = TokenFixtures.devToken()
        let parts = good.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let tampered = parts[0] + "." + TokenFixtures.base64URL(Array(#"{"exp":4102444800,"iss":"devkey","sub":"mallory"}"#.utf8)) + "." + parts[2]
        #expect(TokenFixtures.error(of: tampered) == .badSignature)

        var signature = parts[2]
        let first = signature.removeFirst()
        let flipped = parts[0] + "." + parts[1] + "." + String(first == "A" ? "B" : "A") + signature
        #expect(TokenFixtures.error(of: flipped) == .badSignature)

        let truncated = parts[0] + "." + parts[1] + "." + String(parts[2].dropLast(4))
        #expect(TokenFixtures.error(of: truncated) == .badSignature)
        #expect(TokenFixtures.error(of: parts[0] + "." + parts[1] + ".") == .badSignature)
    }

    /// A token without `exp` is refused even when correctly signed.
    @Test func missingExpiry() {
        let token = TokenFixtures.devToken(exp: nil)
        #expect(TokenFixtures.error(of: token) == .missingExpiry)
        #expect(TokenFixtures.error(of: token)?.httpMessage == "invalid authorization token: missing expiry (exp)")
    }

    /// `exp` has 60 s of leeway: 59 s and 60 s past still pass, 61 s past fails.
    @Test func expiryLeewayEdges() throws {
        let token = TokenFixtures.devToken(nbf: nil, exp: TokenFixtures.nowSeconds)
        let at = { (offset: Double) in TokenFixtures.now.addingTimeInterval(offset) }
        #expect(TokenFixtures.error(of: token, now: at(0)) == nil)
        #expect(TokenFixtures.error(of: token, now: at(59)) == nil)
        #expect(TokenFixtures.error(of: token, now: at(60)) == nil)
        #expect(TokenFixtures.error(of: token, now: at(60.5)) == .expired)
        #expect(TokenFixtures.error(of: token, now: at(61)) == .expired)
        #expect(TokenFixtures.error(of: token, now: at(61))?.httpMessage == "invalid authorization token: token is expired (exp)")
    }

    /// `nbf` has 60 s of leeway: 59 s early passes, 61 s early fails.
    @Test func notBeforeLeewayEdges() throws {
        let token = TokenFixtures.devToken(nbf: TokenFixtures.nowSeconds, exp: TokenFixtures.nowSeconds + 3600)
        let at = { (offset: Double) in TokenFixtures.now.addingTimeInterval(offset) }
        #expect(TokenFixtures.error(of: token, now: at(-59)) == nil)
        #expect(TokenFixtures.error(of: token, now: at(-60)) == nil)
        #expect(TokenFixtures.error(of: token, now: at(-61)) == .notYetValid)
        #expect(TokenFixtures.error(of: token, now: at(-61))?.httpMessage == "invalid authorization token: token not valid yet (nbf)")
    }

    /// Signature is checked before the time window: a forged expired token reports the signature.
    @Test func signatureCheckedBeforeTimes() {
        let forged = TokenMinter.mint(claims: AccessTokenClaims(sub: "a", exp: 1), apiKey: DevCredentials.apiKey, secret: "wrong")
        #expect(TokenFixtures.error(of: forged) == .badSignature)
    }

    /// Trailing `=` padding on any segment is tolerated (the signing input is the segments as sent).
    @Test func paddingTolerated() throws {
        let header = TokenFixtures.base64URL(Array(TokenFixtures.hs256Header.utf8))  // 27 bytes → 36 chars, no pad
        let payloadJSON = #"{"iss":"devkey","sub":"p","exp":4102444800}"#  // 43 bytes → 58 chars + "=="
        let payload = TokenFixtures.base64URL(Array(payloadJSON.utf8)) + "=="
        let signingInput = header + "." + payload
        let signature = TokenMinter.signature(of: signingInput, secret: DevCredentials.secret) + "="  // 32 bytes → 43 + "="
        let verified = try TokenFixtures.devVerifier.verify(signingInput + "." + signature, now: TokenFixtures.now)
        #expect(verified.identity == "p")

        #expect(TokenFixtures.error(of: signingInput + "." + signature + "=") == .malformed("bad signature encoding"))
    }

    /// Tokens longer than 64 KiB are refused before decoding; one just under the cap is processed.
    @Test func lengthCap() throws {
        let filler = String(repeating: "x", count: TokenVerifier.maxTokenLength)
        let huge = TokenFixtures.signed(payload: #"{"iss":"devkey","sub":"h","exp":4102444800,"metadata":"\#(filler)"}"#)
        #expect(TokenFixtures.error(of: huge) == .malformed("token too long"))

        let fits = TokenFixtures.signed(payload: #"{"iss":"devkey","sub":"h","exp":4102444800,"metadata":"\#(filler.prefix(40_000))"}"#)
        #expect(fits.utf8.count <= TokenVerifier.maxTokenLength)
        #expect(try TokenFixtures.devVerifier.verify(fits, now: TokenFixtures.now).claims.metadata?.count == 40_000)
    }

    /// Every error maps to a 401 rejection carrying its `httpMessage`.
    @Test func errorsBecome401Rejections() {
        let errors: [TokenError] = [.malformed("x"), .unsupportedAlgorithm("none"), .unknownAPIKey("k"), .badSignature, .expired, .notYetValid, .missingExpiry]
        for error in errors {
            #expect(error.rejection == AuthRejection(status: 401, message: error.httpMessage))
            if case .unknownAPIKey = error {
                #expect(error.httpMessage == "invalid API key")
            } else {
                #expect(error.httpMessage.hasPrefix("invalid authorization token"))
                #expect(error.httpMessage == error.httpMessage.lowercased())
            }
        }
    }
}
