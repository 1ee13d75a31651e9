/// Checks a `/v1/stream` query against the configuration (reference §1).
public enum DecartConnectValidator {
    /// The key check's error text: contains "invalid api key", one of the substrings that make JS, Android and
    /// iOS stop retrying (reference §1, §7.1).
    public static let invalidAPIKeyText = "invalid api key"

    /// Nil when the query may open a session, else why not.
    public static func validate(_ query: DecartConnectQuery, configuration: DecartConfiguration) -> DecartConnectRejection? {
        guard let key = query.apiKey, !key.isEmpty else {
            return DecartConnectRejection(reason: .invalidAPIKey, errorText: "\(invalidAPIKeyText): api_key is missing")
        }
        if let keys = configuration.apiKeys {
            // Try the decoded key and the raw one (an un-encoded key could itself contain `%`).
            let candidates = [key, query.rawAPIKey].compactMap { $0 }
            guard candidates.contains(where: keys.contains) else {
                return DecartConnectRejection(reason: .invalidAPIKey, errorText: invalidAPIKeyText)
            }
        }
        guard let model = query.model, !model.isEmpty else {
            return DecartConnectRejection(reason: .invalidModel, errorText: "invalid model: the model query parameter is missing")
        }
        if let models = configuration.models, !models.contains(model) {
            return DecartConnectRejection(reason: .invalidModel, errorText: DecartErrorText.neutralized("invalid model: \(DecartErrorText.excerpt(model)) is not served here"))
        }
        if let resolution = query.resolution, !configuration.resolutions.contains(resolution) {
            let known = configuration.resolutions.sorted().joined(separator: ", ")
            return DecartConnectRejection(reason: .invalidResolution, errorText: DecartErrorText.neutralized("invalid resolution \(DecartErrorText.excerpt(resolution)): use one of \(known)"))
        }
        return nil
    }
}
