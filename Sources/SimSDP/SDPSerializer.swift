/// Writes a ``SessionDescription`` as SDP text: CRLF line ends, lines in RFC 8866 §5 order.
public enum SDPSerializer {
    /// The line terminator RFC 8866 §5 requires.
    public static let lineEnd = "\r\n"

    /// Serializes a description.
    public static func serialize(_ description: SessionDescription) -> String {
        var writer = Writer()
        writer.line("v", String(description.version))
        writer.line("o", description.origin.lineValue)
        writer.line("s", description.sessionName)
        writer.others(description.otherLines.filter(\.belongsBeforeConnection))
        if let connection = description.connection { writer.line("c", connection.lineValue) }
        for bandwidth in description.bandwidths { writer.line("b", bandwidth.lineValue) }
        for timing in description.timings {
            writer.line("t", timing.lineValue)
            for value in timing.repeats { writer.line("r", value) }
        }
        writer.others(description.otherLines.filter { !$0.belongsBeforeConnection })
        writer.attributes(description.attributes)
        for media in description.media {
            serialize(media, into: &writer)
        }
        return writer.text
    }

    /// Serializes one media section, starting with its `m=` line.
    public static func serialize(_ media: MediaDescription) -> String {
        var writer = Writer()
        serialize(media, into: &writer)
        return writer.text
    }

    private static func serialize(_ media: MediaDescription, into writer: inout Writer) {
        writer.line("m", media.mediaLineValue)
        // RFC 8866 §5: media-level order is m, i, c, b, k, a.
        writer.others(media.otherLines.filter { $0.type == "i" })
        for connection in media.connections { writer.line("c", connection.lineValue) }
        for bandwidth in media.bandwidths { writer.line("b", bandwidth.lineValue) }
        writer.others(media.otherLines.filter { $0.type != "i" })
        writer.attributes(media.attributes)
    }

    /// Accumulates SDP text line by line.
    private struct Writer {
        /// The text written so far.
        var text = ""

        /// Writes `<type>=<value>` and CRLF.
        mutating func line(_ type: Character, _ value: String) {
            text.append(type)
            text.append("=")
            text.append(value)
            text.append(SDPSerializer.lineEnd)
        }

        /// Writes kept lines verbatim, in order.
        mutating func others(_ lines: [SDPLine]) {
            for other in lines { line(other.type, other.value) }
        }

        /// Writes `a=` lines, in order.
        mutating func attributes(_ attributes: [SDPAttribute]) {
            for attribute in attributes { line("a", attribute.lineValue) }
        }
    }
}
