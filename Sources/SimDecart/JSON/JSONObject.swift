/// The members of a JSON object, in order.
public struct JSONObject: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// Key/value pairs in source (or insertion) order; duplicates are kept.
    public var members: [(key: String, value: JSONValue)]

    /// An object with `members`.
    public init(_ members: [(key: String, value: JSONValue)] = []) { self.members = members }

    /// An object from a literal (tests).
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        members = elements.map { (key: $0.0, value: $0.1) }
    }

    /// The value of the last member named `key`.
    public subscript(key: String) -> JSONValue? {
        members.last { $0.key == key }?.value
    }

    /// Whether any member is named `key`.
    public func contains(_ key: String) -> Bool { members.contains { $0.key == key } }

    /// Appends a member.
    public mutating func append(_ key: String, _ value: JSONValue) { members.append((key: key, value: value)) }

    /// Member-wise equality, order included.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
