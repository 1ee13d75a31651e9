/// A failed JUnit test case's failure element.
public struct JUnitFailure: Sendable, Equatable {
    /// The `message` attribute: one line.
    public var message: String
    /// The element's text: details.
    public var details: String

    /// A failure.
    public init(message: String, details: String = "") {
        self.message = message
        self.details = details
    }
}

/// One `<testcase>`.
public struct JUnitTestCase: Sendable, Equatable {
    /// The `name` attribute.
    public var name: String
    /// The `classname` attribute.
    public var className: String
    /// Seconds.
    public var time: Double
    /// The failure, if it failed.
    public var failure: JUnitFailure?
    /// Why it was skipped, if it was.
    public var skipped: String?

    /// A test case.
    public init(name: String, className: String, time: Double = 0, failure: JUnitFailure? = nil, skipped: String? = nil) {
        self.name = name
        self.className = className
        self.time = time
        self.failure = failure
        self.skipped = skipped
    }
}

/// Renders JUnit XML (the Ant/Jenkins schema CI systems read): one `<testsuites>` with one `<testsuite>`.
public enum JUnitRenderer {
    /// The XML document for `cases` in a suite named `suite`.
    public static func render(suite: String, cases: [JUnitTestCase], time: Double = 0, properties: [(String, String)] = []) -> String {
        let failures = cases.filter { $0.failure != nil }.count
        let skipped = cases.filter { $0.failure == nil && $0.skipped != nil }.count
        let counts = "tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\" time=\"\(seconds(time))\""
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"sfusim\" \(counts)>\n"
        xml += "  <testsuite name=\"\(escape(suite))\" \(counts)>\n"
        if !properties.isEmpty {
            xml += "    <properties>\n"
            for (name, value) in properties { xml += "      <property name=\"\(escape(name))\" value=\"\(escape(value))\"/>\n" }
            xml += "    </properties>\n"
        }
        for testCase in cases {
            let open = "    <testcase classname=\"\(escape(testCase.className))\" name=\"\(escape(testCase.name))\" time=\"\(seconds(testCase.time))\""
            if let failure = testCase.failure {
                xml += open + ">\n"
                xml += "      <failure message=\"\(escape(failure.message))\" type=\"expectation\">\(escape(failure.details))</failure>\n"
                xml += "    </testcase>\n"
            } else if let skipped = testCase.skipped {
                xml += open + ">\n      <skipped message=\"\(escape(skipped))\"/>\n    </testcase>\n"
            } else {
                xml += open + "/>\n"
            }
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    /// XML-escapes text for attributes and elements; characters XML 1.0 cannot carry become U+FFFD.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\t", "\r": out.unicodeScalars.append(scalar)
            default:
                // XML 1.0 §2.2: no C0 controls other than tab, LF, CR.
                out.unicodeScalars.append(scalar.value < 0x20 ? "\u{FFFD}" : scalar)
            }
        }
        return out
    }

    private static func seconds(_ value: Double) -> String {
        let millis = Int64((max(0, value) * 1000).rounded())
        let fraction = String(millis % 1000)
        return "\(millis / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}

extension ScenarioReport {
    /// One test case per expectation (class `sfusim.<scenario>`); pending ones are skipped.
    public var junitTestCases: [JUnitTestCase] {
        results.map { result in
            let className = "sfusim.\(scenario)"
            let where_ = result.location.map { "\n\($0)" } ?? ""
            let cited = result.events.map { "seq \($0.seq) t=\($0.tMs)ms \($0.kind)" }.joined(separator: "\n")
            switch result.status {
            case .passed: return JUnitTestCase(name: result.name, className: className)
            case .failed:
                return JUnitTestCase(name: result.name, className: className,
                                     failure: JUnitFailure(message: result.reason, details: result.reason + where_ + (cited.isEmpty ? "" : "\n" + cited)))
            case .pending: return JUnitTestCase(name: result.name, className: className, skipped: result.reason)
            }
        }
    }

    /// The report as JUnit XML, with `extraCases` (e.g. the shell's test-command result) appended.
    public func junitXML(extraCases: [JUnitTestCase] = []) -> String {
        JUnitRenderer.render(suite: "sfusim.\(scenario)", cases: junitTestCases + extraCases, time: durationMs / 1000,
                             properties: [("seed", String(seed)), ("faults_applied", String(faultsApplied))])
    }
}
