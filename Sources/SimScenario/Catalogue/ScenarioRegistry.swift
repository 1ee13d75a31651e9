/// The scenarios connections may select by name: registered at runtime (`POST /_sim/scenarios`), else built in
/// (parsed once, on first use). A plain value; its owner keeps it under its own lock.
public struct ScenarioRegistry: Sendable {
    private var registered: [String: Scenario] = [:]
    private var builtIns: [String: Scenario] = [:]

    /// An empty registry (the built-ins are always there).
    public init() {}

    /// The scenario called `name`: a registered one first, then a built-in; nil when there is none.
    public mutating func named(_ name: String) -> Scenario? {
        if let scenario = registered[name] ?? builtIns[name] { return scenario }
        guard let scenario = try? BuiltInScenarios.load(named: name) else { return nil }
        builtIns[name] = scenario
        return scenario
    }

    /// Registers `scenario` under its name, replacing one of that name (a built-in included).
    public mutating func register(_ scenario: Scenario) {
        registered[scenario.name] = scenario
    }
}
