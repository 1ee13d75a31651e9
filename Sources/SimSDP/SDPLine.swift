/// One SDP line kept verbatim because the model has no typed field for it (`i=`, `u=`, `e=`, `p=`, `z=`, `k=`,
/// or a type letter RFC 8866 does not define).
///
/// The serializer writes such lines in RFC 8866 §5 order: at session level `i u e p` before `c=` and the rest
/// after the time descriptions; at media level `i=` before `c=` and the rest after `b=`. Lines of one group keep
/// their relative order.
public struct SDPLine: Hashable, Sendable {
    /// The type letter before `=`.
    public var type: Character
    /// Everything after `=`.
    public var value: String

    /// Wraps a type letter and its value.
    public init(type: Character, value: String) {
        self.type = type
        self.value = value
    }

    /// Whether RFC 8866 places this line before the connection line (`i u e p` at session level, `i` in media).
    var belongsBeforeConnection: Bool { "iuep".contains(type) }
}
