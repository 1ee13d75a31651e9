import Testing
@testable import SimDecart

@Suite struct DecartConnectQueryTests {
    @Test func allParameters() {
        let query = DecartConnectQuery(rawQuery: "?model=lucy-2.1&resolution=1080p&emit_server_metrics=1&livekit_server_codec=vp8&pixel_latency=1&livekit_early_room_info=true&api_key=abc&user_agent=decart-js-sdk%2F0.1.16%20lang%2Fjs")
        #expect(query.apiKey == "abc")
        #expect(query.model == "lucy-2.1")
        #expect(query.resolution == "1080p")
        #expect(query.emitServerMetrics && query.pixelLatency && query.livekitEarlyRoomInfo)
        #expect(!query.livekitEagerJoin)
        #expect(query.livekitServerCodec == "vp8")
        #expect(query.userAgent == "decart-js-sdk/0.1.16 lang/js")
        #expect(DecartClientDialect(userAgent: query.userAgent) == .js)
    }

    /// iOS concatenates the key raw (reference §1): `+`, `/` and `=` survive.
    @Test func unencodedAPIKeyKeepsPlusSlashEquals() {
        let query = DecartConnectQuery(rawQuery: "api_key=ab+c/d==&model=m")
        #expect(query.apiKey == "ab+c/d==")
        #expect(query.model == "m")
    }

    @Test func encodedAPIKeyDecodes() {
        let query = DecartConnectQuery(rawQuery: "api_key=ab%2Bc%2Fd%3D%3D&model=m")
        #expect(query.apiKey == "ab+c/d==")
        #expect(query.rawAPIKey == "ab%2Bc%2Fd%3D%3D")
    }

    @Test func plusIsSpaceElsewhereAndBadEscapesStayRaw() {
        let query = DecartConnectQuery(rawQuery: "user_agent=decart-android-sdk/0.7.10+x&model=a%zz&flag")
        #expect(query.userAgent == "decart-android-sdk/0.7.10 x")
        #expect(query.model == "a%zz")
        #expect(query.value("flag") == "")
        #expect(DecartClientDialect(userAgent: query.userAgent) == .android)
    }

    @Test func flagsNeedATrueValue() {
        #expect(!DecartConnectQuery(rawQuery: "emit_server_metrics=0").emitServerMetrics)
        #expect(DecartConnectQuery(rawQuery: "emit_server_metrics=true").emitServerMetrics)
        #expect(!DecartConnectQuery(rawQuery: "livekit_early_room_info=false").livekitEarlyRoomInfo)
    }

    @Test func devModeAcceptsAnyNonEmptyKey() {
        let configuration = DecartConfiguration()
        #expect(DecartConnectValidator.validate(DecartConnectQuery(rawQuery: "api_key=anything&model=m"), configuration: configuration) == nil)
        #expect(DecartConnectValidator.validate(DecartConnectQuery(rawQuery: "api_key=&model=m"), configuration: configuration)?.reason == .invalidAPIKey)
        #expect(DecartConnectValidator.validate(DecartConnectQuery(rawQuery: "model=m"), configuration: configuration)?.reason == .invalidAPIKey)
    }

    @Test func configuredKeysAreEnforcedRawOrEncoded() {
        var configuration = DecartConfiguration()
        configuration.apiKeys = ["ab+c/d=="]
        #expect(DecartConnectValidator.validate(DecartConnectQuery(rawQuery: "api_key=ab+c/d==&model=m"), configuration: configuration) == nil)
        #expect(DecartConnectValidator.validate(DecartConnectQuery(rawQuery: "api_key=ab%2Bc%2Fd%3D%3D&model=m"), configuration: configuration) == nil)
        let rejection = DecartConnectValidator.validate(DecartConnectQuery(rawQuery: "api_key=other&model=m"), configuration: configuration)
        #expect(rejection?.reason == .invalidAPIKey)
        #expect(rejection?.errorText.contains("invalid api key") == true)
    }

    @Test func modelAndResolution() {
        var configuration = DecartConfiguration()
        configuration.models = ["lucy-2.1"]
        #expect(DecartConnectValidator.validate(DecartConnectQuery(rawQuery: "api_key=k"), configuration: configuration)?.reason == .invalidModel)
        #expect(DecartConnectValidator.validate(DecartConnectQuery(rawQuery: "api_key=k&model=other"), configuration: configuration)?.reason == .invalidModel)
        #expect(DecartConnectValidator.validate(DecartConnectQuery(rawQuery: "api_key=k&model=lucy-2.1&resolution=4k"), configuration: configuration)?.reason == .invalidResolution)
        #expect(DecartConnectValidator.validate(DecartConnectQuery(rawQuery: "api_key=k&model=lucy-2.1&resolution=720p"), configuration: configuration) == nil)
    }

    @Test func dialects() {
        #expect(DecartClientDialect(userAgent: nil) == .unknown)
        #expect(DecartClientDialect(userAgent: "decart-python-sdk/0.1.4") == .python)
        #expect(!DecartClientDialect.android.accepts(type: "server_metrics"))
        #expect(DecartClientDialect.android.accepts(type: "queue_position"))
        #expect(DecartClientDialect.js.accepts(type: "server_metrics"))
    }
}
