/// Checks `set_image.image_data` without decoding it: standard (or URL-safe) base64 without a `data:` prefix
/// (reference §2), line breaks tolerated, and returns the decoded size.
public enum DecartImageCheck {
    /// Why an image is refused (the text goes into `set_image_ack.error`).
    public enum Failure: Error, Sendable, Equatable {
        /// Empty `image_data`.
        case empty
        /// A `data:…;base64,` URL instead of bare base64.
        case dataURL
        /// A character outside the base64 alphabets at `offset`.
        case invalidCharacter(offset: Int)
        /// Length or padding that no base64 encoder produces.
        case badLength

        /// The ack's error text (offsets cannot spell a permanent marker such as `401`).
        public var text: String { DecartErrorText.neutralized(rawText) }

        var rawText: String {
            switch self {
            case .empty: "image_data is empty"
            case .dataURL: "image_data must be bare base64, without a data: URL prefix"
            case .invalidCharacter(let offset): "image_data is not base64 (bad character at offset \(offset))"
            case .badLength: "image_data is not base64 (bad length or padding)"
            }
        }
    }

    /// The decoded byte count of `base64`.
    /// - Throws: `Failure`.
    public static func decodedByteCount(_ base64: String) throws(Failure) -> Int {
        if base64.utf8.starts(with: "data:".utf8) { throw .dataURL }
        let result: Result<Int, Failure>? = base64.utf8.withContiguousStorageIfAvailable { count($0) }
        return try (result ?? Array(base64.utf8).withUnsafeBufferPointer { count($0) }).get()
    }

    /// Counts base64 symbols and padding, checking the alphabet and length.
    static func count(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Int, Failure> {
        var symbols = 0
        var padding = 0
        var offset = 0
        while offset < bytes.count {
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                if padding > 0 { return .failure(.invalidCharacter(offset: offset)) }
                symbols += 1
            case UInt8(ascii: "="):
                padding += 1
                if padding > 2 { return .failure(.badLength) }
            case 0x0A, 0x0D:  // MIME-style line breaks (Android Base64.DEFAULT)
                break
            default:
                return .failure(.invalidCharacter(offset: offset))
            }
            offset += 1
        }
        guard symbols > 0 else { return .failure(.empty) }
        let remainder = symbols % 4
        guard remainder != 1 else { return .failure(.badLength) }
        if padding > 0, (symbols + padding) % 4 != 0 { return .failure(.badLength) }
        let tail = remainder == 2 ? 1 : remainder == 3 ? 2 : 0
        return .success(symbols / 4 * 3 + tail)
    }
}
