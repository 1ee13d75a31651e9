import Foundation
import SimAuth
import SimCore
import Testing

/// Peer input never traps: thousands of seeded mutations of valid tokens, random garbage and
/// hostile JSON all end in a value or a `TokenError`. A crash here is reproduced by its seed.
@Suite struct TokenFuzzTests {
    /// Outcome counts, so each test can check it exercised both paths.
    private struct Tally {
        var verified = 0
        var refused: [String: Int] = [:]

        /// Verifies `token` and records the outcome.
        mutating func run(_ token: String, verifier: TokenVerifier = TokenFixtures.devVerifier) {
            do {
                _ = try verifier.verify(token, now: TokenFixtures.now)
                verified += 1
            } catch {
                let key: String
                switch error {
                case .malformed: key = "malformed"
                case .unsupportedAlgorithm: key = "unsupportedAlgorithm"
                case .unknownAPIKey: key = "unknownAPIKey"
                case .badSignature: key = "badSignature"
                case .expired: key = "expired"
                case .notYetValid: key = "notYetValid"
                case .missingExpiry: key = "missingExpiry"
                }
                #expect(error.httpMessage.hasPrefix("invalid "))
                refused[key, default: 0] += 1
            }
        }
    }

    /// One random edit of `bytes`: bit flip, random byte, insertion, deletion, duplication, separator or truncation.
    private static func mutate(_ bytes: inout [UInt8], using random: inout SeededRandom) {
        let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<8, using: &random) {
        case 0 where !bytes.isEmpty:
            bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &random)
        case 1 where !bytes.isEmpty:
            bytes[position] = UInt8.random(in: 0...255, using: &random)
        case 2:
            let count = Int.random(in: 1...4, using: &random)
            bytes.insert(contentsOf: (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }, at: position)
        case 3 where !bytes.isEmpty:
            let end = min(bytes.count, position + Int.random(in: 1...16, using: &random))
            bytes.removeSubrange(position..<end)
        case 4 where !bytes.isEmpty:
            let end = min(bytes.count, position + Int.random(in: 1...64, using: &random))
            bytes.insert(contentsOf: bytes[position..<end], at: position)
        case 5:
            bytes.insert([UInt8(ascii: "."), UInt8(ascii: "="), UInt8(ascii: "-"), UInt8(ascii: "_")].randomElement(using: &random) ?? 0, at: position)
        case 6:
            bytes.removeSubrange(position...)
        default:
            // Non-UTF-8 lead bytes and a multi-scalar emoji.
            bytes.insert(contentsOf: [[0xFF], [0xC3], [0xE2, 0x82], Array("👩‍🚀".utf8)].randomElement(using: &random) ?? [], at: position)
        }
    }

    /// Random JSON of any type, occasionally nested, for claim-type confusion.
    private static func randomJSON(depth: Int = 0, using random: inout SeededRandom) -> String {
        let choices = depth > 3 ? 7 : 9
        switch Int.random(in: 0..<choices, using: &random) {
        case 0: return "null"
        case 1: return Bool.random(using: &random) ? "true" : "false"
        case 2: return String(Int64.random(in: .min ... .max, using: &random))
        case 3: return ["1e308", "-1e308", "1.5", "-0.0", "9223372036854775807", "9223372036854775808", "4102444800", "1700000000.999", "1e-400"].randomElement(using: &random) ?? "0"
        case 4: return #""\#(["", "devkey", "x", "screen_share", "\\u0000", "\\ud800", "é"].randomElement(using: &random) ?? "")""#
        case 5: return "[]"
        case 6: return "{}"
        case 7: return "[" + (0..<Int.random(in: 0...3, using: &random)).map { _ in randomJSON(depth: depth + 1, using: &random) }.joined(separator: ",") + "]"
        default:
            let keys = ["roomJoin", "room", "canPublish", "canPublishSources", "a", "name"]
            return "{" + (0..<Int.random(in: 0...3, using: &random)).map { _ in
                #""\#(keys.randomElement(using: &random) ?? "k")":\#(randomJSON(depth: depth + 1, using: &random))"#
            }.joined(separator: ",") + "}"
        }
    }

    /// 4,000 byte-level mutations of a valid token (1–4 edits each) never trap.
    @Test func mutatedTokensNeverTrap() {
        var random = SeededRandom(seed: 0x5EED_A117)
        let base = Array(TokenFixtures.devToken().utf8)
        var tally = Tally()
        tally.run(String(decoding: base, as: UTF8.self))
        for _ in 0..<4_000 {
            var bytes = base
            for _ in 0..<Int.random(in: 1...4, using: &random) { Self.mutate(&bytes, using: &random) }
            tally.run(String(decoding: bytes, as: UTF8.self))
        }
        #expect(tally.verified >= 1)
        #expect(tally.refused["malformed", default: 0] > 0)
        #expect(tally.refused["badSignature", default: 0] > 0)
    }

    /// 2,000 correctly signed tokens whose payload JSON text was mutated never trap (reaching claim decoding and times).
    @Test func mutatedSignedPayloadsNeverTrap() {
        var random = SeededRandom(seed: 0xC1A1_5EED)
        let payload = Array(#"{"exp":4102444800,"iss":"devkey","nbf":1699999990,"sub":"alice","video":{"canPublishSources":["camera"],"room":"room-1","roomJoin":true},"roomConfig":{"a":[1,{"b":null}]}}"#.utf8)
        var tally = Tally()
        for _ in 0..<2_000 {
            var bytes = payload
            for _ in 0..<Int.random(in: 1...3, using: &random) { Self.mutate(&bytes, using: &random) }
            tally.run(TokenFixtures.signed(payload: String(decoding: bytes, as: UTF8.self)))
        }
        #expect(tally.verified > 0)
        #expect(tally.refused["malformed", default: 0] > 0)
    }

    /// 2,000 signed tokens with random JSON in every claim position never trap.
    @Test func randomClaimTypesNeverTrap() {
        var random = SeededRandom(seed: 0x7E57_0001)
        let keys = ["iss", "sub", "jti", "nbf", "exp", "iat", "name", "metadata", "attributes", "kind", "video", "roomPreset", "roomConfig", "sha256"]
        var tally = Tally()
        for _ in 0..<2_000 {
            var fields = [#""iss":"devkey""#, #""exp":4102444800"#]
            for key in keys where Int.random(in: 0..<4, using: &random) == 0 {
                fields.append(#""\#(key)":\#(Self.randomJSON(using: &random))"#)
            }
            fields.shuffle(using: &random)
            tally.run(TokenFixtures.signed(payload: "{" + fields.joined(separator: ",") + "}"))
        }
        #expect(tally.verified > 0)
        #expect(tally.refused["malformed", default: 0] > 0)
    }

    /// 2,000 random byte strings, with and without dots, never trap.
    @Test func garbageNeverTraps() {
        var random = SeededRandom(seed: 0x6A2B_A6E0)
        var tally = Tally()
        for _ in 0..<2_000 {
            let count = Int.random(in: 0...300, using: &random)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            for _ in 0..<Int.random(in: 0...3, using: &random) where !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8(ascii: ".")
            }
            tally.run(String(decoding: bytes, as: UTF8.self))
        }
        #expect(tally.verified == 0)
    }

    /// Hostile shapes: deep nesting, oversize input, empty segments and a header that is a JSON bomb.
    @Test func hostileShapesNeverTrap() {
        var tally = Tally()
        let deep = String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)
        tally.run(TokenFixtures.signed(payload: #"{"iss":"devkey","exp":4102444800,"roomConfig":\#(deep)}"#))
        tally.run(TokenFixtures.signed(header: deep, payload: "{}"))
        let deepObject = String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        tally.run(TokenFixtures.signed(payload: #"{"iss":"devkey","exp":4102444800,"roomConfig":\#(deepObject)}"#))
        tally.run(String(repeating: "A", count: 10 * TokenVerifier.maxTokenLength))
        tally.run(String(repeating: ".", count: 100_000))
        tally.run(String(repeating: "é", count: TokenVerifier.maxTokenLength / 2 + 1))
        tally.run(TokenFixtures.signed(payload: #"{"iss":"devkey","exp":4102444800,"attributes":{\#((0..<2_000).map { #""k\#($0)":"v""# }.joined(separator: ","))}}"#))
        #expect(tally.refused.values.reduce(0, +) + tally.verified == 7)
    }
}
