import Foundation
import SimAuth
import SimCore
import Testing

/// Minting: byte-exact output and the builder's claims.
@Suite struct TokenMinterTests {
    /// The minter's bytes equal Python's `json.dumps(sort_keys=True, separators=(",",":"))` + `hmac` for the same claims.
    @Test func mintIsByteExact() {
        let claims = AccessTokenClaims(
            sub: "alice", nbf: 1_700_000_000, exp: 1_700_021_600, iat: 1_700_000_000, name: "Alice", metadata: "a/b",
            video: VideoGrant(roomJoin: true, room: "room-1", canPublish: false))
        let jwt = TokenMinter.mint(claims: claims, apiKey: "devkey", secret: "secret")
        #expect(jwt == "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3MDAwMjE2MDAsImlhdCI6MTcwMDAwMDAwMCwiaXNzIjoiZGV2a2V5IiwibWV0YWRhdGEiOiJhL2IiLCJuYW1lIjoiQWxpY2UiLCJuYmYiOjE3MDAwMDAwMDAsInN1YiI6ImFsaWNlIiwidmlkZW8iOnsiY2FuUHVibGlzaCI6ZmFsc2UsInJvb20iOiJyb29tLTEiLCJyb29tSm9pbiI6dHJ1ZX19.2G1wIpKgghlCi9UlG9KcFV01OtjIcQt-Tgy3-PsbsSU")
    }

    /// `mint` overrides any `iss` in the claims with the signing key.
    @Test func mintSetsIssuer() throws {
        let jwt = TokenMinter.mint(claims: AccessTokenClaims(iss: "spoofed", sub: "a", exp: 4_102_444_800), apiKey: "devkey", secret: "secret")
        #expect(try TokenFixtures.devVerifier.verify(jwt, now: TokenFixtures.now).claims.iss == "devkey")
    }

    /// The builder sets `nbf` = `iat` = now (whole seconds), `exp` = now + ttl, defaulting to 6 h.
    @Test func builderTimes() {
        var builder = AccessTokenBuilder(apiKey: DevCredentials.apiKey, secret: DevCredentials.secret)
        #expect(builder.ttl == .seconds(21_600))
        let claims = builder.claims(now: TokenFixtures.now.addingTimeInterval(0.75))
        #expect(claims.nbf == TokenFixtures.nowSeconds)
        #expect(claims.iat == TokenFixtures.nowSeconds)
        #expect(claims.exp == TokenFixtures.nowSeconds + 21_600)
        #expect(claims.sub == nil)

        builder.ttl = .seconds(90)
        builder.identity = "bob"
        #expect(builder.claims(now: TokenFixtures.now).exp == TokenFixtures.nowSeconds + 90)
        #expect(builder.claims(now: TokenFixtures.now).sub == "bob")
    }

    /// A token whose TTL ran out (plus the leeway) no longer verifies.
    @Test func builderTokenExpires() {
        var builder = AccessTokenBuilder(apiKey: DevCredentials.apiKey, secret: DevCredentials.secret, ttl: .seconds(10))
        builder.identity = "bob"
        let jwt = builder.jwt(now: TokenFixtures.now)
        #expect(TokenFixtures.error(of: jwt, now: TokenFixtures.now.addingTimeInterval(70)) == nil)
        #expect(TokenFixtures.error(of: jwt, now: TokenFixtures.now.addingTimeInterval(71)) == .expired)
    }

    /// Extreme clock readings and TTLs clamp instead of trapping.
    @Test func builderClampsExtremes() {
        var builder = AccessTokenBuilder(apiKey: DevCredentials.apiKey, secret: DevCredentials.secret, ttl: .seconds(Int64.max))
        #expect(builder.claims(now: TokenFixtures.now).exp == Int64.max)
        #expect(builder.claims(now: Date(timeIntervalSince1970: 1e300)).nbf == Int64.max)
        builder.ttl = .seconds(Int64.min)
        #expect(builder.claims(now: Date(timeIntervalSince1970: -1e300)).exp == Int64.min)
    }

    /// A non-finite number in `roomConfig` is written as `null` rather than failing to encode.
    @Test func nonFiniteRoomConfigEncodesAsNull() throws {
        let claims = AccessTokenClaims(sub: "a", exp: 4_102_444_800, roomConfig: .object(["bad": .number(.nan)]))
        let jwt = TokenMinter.mint(claims: claims, apiKey: "devkey", secret: "secret")
        #expect(try TokenFixtures.devVerifier.verify(jwt, now: TokenFixtures.now).claims.roomConfig == .object(["bad": .null]))
    }

    /// The dev credentials are LiveKit's `--dev` ones.
    @Test func devCredentials() {
        #expect(DevCredentials.apiKey == "devkey")
        #expect(DevCredentials.secret == "secret")
        #expect(DevCredentials.keys == ["devkey": "secret"])
    }
}
