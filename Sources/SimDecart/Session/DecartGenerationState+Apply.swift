extension DecartGenerationState {
    /// This state with `message` applied (reference §2 merge rules), or the ack error text if it is refused.
    public func applying(_ message: DecartStateMessage) -> Result<DecartGenerationState, DecartStateRefusal> {
        var next = self
        switch message {
        case .prompt(let request):
            next.prompt = request.prompt.text
            next.enhancePrompt = request.enhancePrompt
        case .setImage(let request):
            switch request.imageData {
            case .absent: break
            case .null: next.image = nil
            case .value(let base64):
                do {
                    next.image = .data(base64: base64, byteCount: try DecartImageCheck.decodedByteCount(base64))
                } catch {
                    return .failure(DecartStateRefusal(error.text))
                }
            }
            if let reference = request.imageRef {
                guard reference.hasPrefix("file_") else {
                    return .failure(DecartStateRefusal("image_ref must be a file reference (file_…)"))
                }
                next.image = .reference(reference)
            }
            switch request.prompt {
            case .absent: break
            case .null: next.prompt = nil
            case .value(let prompt): next.prompt = prompt.text
            }
            if let enhance = request.enhancePrompt { next.enhancePrompt = enhance }
        }
        return .success(next)
    }
}
