import Foundation
import SimCore
import Testing
@testable import SimDecart

@Suite struct JSONParserTests {
    func parseError(_ text: String) -> JSONParseError? {
        do {
            _ = try JSONParser.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func scalarsAndNumbers() throws {
        #expect(try JSONParser.parse("null") == .null)
        #expect(try JSONParser.parse(" true ") == .bool(true))
        #expect(try JSONParser.parse("-0") == .int(0))
        #expect(try JSONParser.parse("9223372036854775807") == .int(.max))
        #expect(try JSONParser.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try JSONParser.parse("1.5e2") == .double(150))
        #expect(try JSONParser.parse("[1,2.5,\"x\",{}]") == .array([.int(1), .double(2.5), .text("x"), .object([:])]))
    }

    @Test func malformedNumbersAndLiterals() {
        for text in ["01", "1.", "-", "1e", ".5", "+1", "tru", "nul", "NaN"] {
            #expect(parseError(text) != nil, "\(text) parsed")
        }
    }

    @Test func strings() throws {
        #expect(try JSONParser.parse(#""a\nb\u0041\ud83d\ude00""#) == .text("a\nbA\u{1F600}"))
        #expect(parseError("\"a\u{01}b\"")?.reason == .controlCharacterInString)
        #expect(parseError(#""\x""#)?.reason == .invalidEscape)
        #expect(parseError(#""\u12G4""#)?.reason == .invalidEscape)
        #expect(parseError(#""open"#)?.reason == .unexpectedEnd)
    }

    @Test func invalidUTF8InBytes() {
        do {
            _ = try JSONParser.parse(bytes: [0x22, 0xC3, 0x28, 0x22])
            Issue.record("invalid UTF-8 accepted")
        } catch {
            #expect(error.reason == .invalidUTF8)
        }
    }

    @Test func structureErrors() {
        #expect(parseError("")?.reason == .empty)
        #expect(parseError("{\"a\":1,}") != nil)
        #expect(parseError("{\"a\" 1}")?.reason == .unexpectedByte(UInt8(ascii: "1")))
        #expect(parseError("[1 2]") != nil)
        #expect(parseError("{} {}")?.reason == .trailingData)
        #expect(parseError("{1:2}") != nil)
    }

    @Test func duplicateKeysLastWins() throws {
        guard case .object(let object) = try JSONParser.parse(#"{"type":"a","type":"b"}"#) else { Issue.record("no object"); return }
        #expect(object["type"] == .text("b"))
    }

    /// Whatever we serialize, Foundation parses back to the same structure.
    @Test func serializerOutputRoundTrips() throws {
        let value: JSONValue = .object(["s": .text("q\"\\\n\u{1}/é"), "n": .int(-3), "d": .double(0.25), "a": .array([.null, .bool(false)])])
        let text = JSONSerializer.serialize(value)
        #expect(try JSONParser.parse(text) == value)
        let object = try foundationObject(text)
        #expect(object["s"] as? String == "q\"\\\n\u{1}/é")
        #expect(object["d"] as? Double == 0.25)
    }

    /// Fuzz-style: truncations and byte flips of a real frame never trap, and each either parses or throws.
    @Test func mutatedFramesNeverTrap() {
        let frame = Array(#"{"type":"livekit_join","initial_state":{"type":"set_image","image_data":"QUJD","prompt":"\u00e9"},"passthrough":false}"#.utf8)
        var random = SeededRandom(seed: 42)
        let decoder = DecartMessageDecoder()
        var outcomes = 0
        for cut in 0...frame.count {
            _ = try? JSONParser.parse(bytes: Array(frame[..<cut]))
            outcomes += 1
        }
        for _ in 0..<2_000 {
            var mutated = frame
            let index = Int.random(in: 0..<mutated.count, using: &random)
            mutated[index] = UInt8.random(in: 0...255, using: &random)
            if let text = String(validating: mutated, as: UTF8.self) { _ = try? decoder.decode(text) }
            outcomes += 1
        }
        #expect(outcomes == frame.count + 1 + 2_000)
    }
}
