import Testing
@testable import SimScenario

@Suite struct NestingLimitTests {
    func problems(_ text: String, format: ScenarioFormat = .yaml) -> [String] {
        ScenarioLoader.validate(text, file: "deep.yaml", format: format).map(\.description)
    }

    @Test func deepFlowBlockAndJSONNestingIsRefusedBeforeTheParser() {
        let depth = 20_000  // deep enough to overflow the parser's recursion without the limit
        let flow = "name: deep\nrules: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
        #expect(problems(flow).first?.contains("nested deeper than 128 levels") == true)
        let mappings = "name: deep\nx: " + String(repeating: "{b: ", count: depth) + "1" + String(repeating: "}", count: depth) + "\n"
        #expect(problems(mappings).first?.contains("nested deeper than 128 levels") == true)
        let dashes = "name: deep\nsteps:\n" + String(repeating: "- ", count: depth) + "x\n"
        #expect(problems(dashes).first?.contains("nested deeper than 128 levels") == true)
        let json = "{\"name\": \"deep\", \"rules\": " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        #expect(problems(json, format: .json).first?.contains("nested deeper than 128 levels") == true)
    }

    @Test func quotesHideBracketsOnlyWhereAScalarStarts() {
        #expect(NestingLimit.firstTooDeep("a: '" + String(repeating: "[", count: 500) + "'\n") == nil)
        #expect(NestingLimit.firstTooDeep("summary: bob's turn\nx: " + String(repeating: "[", count: 500)) != nil)
        #expect(NestingLimit.firstTooDeep("a: \"\\\"" + String(repeating: "{", count: 500) + "\"\n") == nil)
        #expect(NestingLimit.firstTooDeep("name: ok\nrules:\n  - when: { event: participant.joined }\n    then: [ { drop: { tap: signal.out } } ]\n") == nil)
    }
}
