import SimCore
import SimFaults
import Testing
@testable import SimScenario

@Suite struct JUnitRendererTests {
    let report = ScenarioReport(scenario: "dc-ack-before-room-info", seed: 3, final: false, results: [
        ExpectationResult(name: "ack precedes room_info", status: .passed, reason: "in order: seq 2 < 3"),
        ExpectationResult(name: "never control.out.error", status: .failed, reason: "happened once, first at seq 5 at +10ms",
                          location: "f.yaml:20:5", events: [EventReference(seq: 5, tMs: 1010, kind: "control.out.error")]),
        ExpectationResult(name: "happened room.closed", status: .pending, reason: "happened 0 times, expected once so far"),
    ], faultsApplied: 2, durationMs: 1234.5)

    @Test func oneTestCasePerExpectationWithFailuresAndSkips() {
        #expect(report.junitXML() == """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites name="sfusim" tests="3" failures="1" errors="0" skipped="1" time="1.235">
          <testsuite name="sfusim.dc-ack-before-room-info" tests="3" failures="1" errors="0" skipped="1" time="1.235">
            <properties>
              <property name="seed" value="3"/>
              <property name="faults_applied" value="2"/>
            </properties>
            <testcase classname="sfusim.dc-ack-before-room-info" name="ack precedes room_info" time="0.000"/>
            <testcase classname="sfusim.dc-ack-before-room-info" name="never control.out.error" time="0.000">
              <failure message="happened once, first at seq 5 at +10ms" type="expectation">happened once, first at seq 5 at +10ms&#10;f.yaml:20:5&#10;seq 5 t=1010.0ms control.out.error</failure>
            </testcase>
            <testcase classname="sfusim.dc-ack-before-room-info" name="happened room.closed" time="0.000">
              <skipped message="happened 0 times, expected once so far"/>
            </testcase>
          </testsuite>
        </testsuites>

        """)
    }

    @Test func theShellAppendsItsOwnCase() {
        let command = JUnitTestCase(name: "command: pytest -q", className: "sfusim.dc-ack-before-room-info", time: 12.5,
                                    failure: JUnitFailure(message: "exit status 1", details: "3 failed"))
        let xml = report.junitXML(extraCases: [command])
        #expect(xml.contains(#"<testsuites name="sfusim" tests="4" failures="2" errors="0" skipped="1" time="1.235">"#))
        #expect(xml.contains("""
            <testcase classname="sfusim.dc-ack-before-room-info" name="command: pytest -q" time="12.500">
              <failure message="exit status 1" type="expectation">3 failed</failure>
            </testcase>
        """))
    }

    @Test func escapesMarkupAndControlCharacters() {
        #expect(JUnitRenderer.escape("a<b & \"c\" 'd'>\n\u{1}") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;&#10;\u{FFFD}")
        let xml = JUnitRenderer.render(suite: "s<1>", cases: [JUnitTestCase(name: "x & y", className: "c")])
        #expect(xml.contains(#"<testsuite name="s&lt;1&gt;" tests="1" failures="0" errors="0" skipped="0" time="0.000">"#))
        #expect(xml.contains(#"<testcase classname="c" name="x &amp; y" time="0.000"/>"#))
    }
}
