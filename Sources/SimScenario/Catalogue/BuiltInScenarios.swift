/// The built-in race catalogue (`scenarios/*.yaml`, embedded by `scripts/embed-scenarios`): every `lk-*` and `dc-*`
/// race the product lists, each with a summary naming the race and the clients it bites.
public enum BuiltInScenarios {
    /// The catalogue's names, in order.
    public static var names: [String] { texts.map(\.name) }

    /// The YAML text of a built-in scenario, or nil.
    public static func text(named name: String) -> String? {
        texts.first { $0.name == name }?.yaml
    }

    /// Loads a built-in scenario (its file name is `<name>.yaml` in error positions).
    public static func load(named name: String) throws(ScenarioLoadFailure) -> Scenario? {
        guard let text = text(named: name) else { return nil }
        return try ScenarioLoader.load(text, file: "\(name).yaml", format: .yaml)
    }
}
