/// A message field that may be absent, explicitly `null`, or set: the SDKs differ exactly here
/// (reference §2: Android omits a null prompt, JS and iOS `passthrough()` write `null`, Python writes what was set).
public enum JSONField<Wrapped: Sendable & Equatable>: Sendable, Equatable {
    /// The key is not in the object.
    case absent
    /// The key is present with `null`.
    case null
    /// The key is present with a value.
    case value(Wrapped)

    /// The value, if set.
    public var wrapped: Wrapped? {
        if case .value(let value) = self { value } else { nil }
    }

    /// Whether the key was present (with `null` or a value).
    public var isPresent: Bool {
        if case .absent = self { false } else { true }
    }
}
