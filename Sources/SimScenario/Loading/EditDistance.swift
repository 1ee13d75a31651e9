/// Levenshtein distance, for "did you mean" hints.
public enum EditDistance {
    /// The number of single-character insertions, deletions and substitutions turning `a` into `b`.
    public static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// The candidate nearest to `word` if it is within a third of the word's length (at least 2 edits allowed);
    /// failing that, the shortest candidate containing `word` (4+ characters: `room_info` → `livekit_room_info`).
    /// Ties go to the earlier candidate.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let lower = word.lowercased()
        let limit = max(2, word.count / 3)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = between(lower, candidate.lowercased())
            if distance <= limit, distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        if let best { return best.candidate }
        guard lower.count >= 4 else { return nil }
        return candidates.filter { $0.lowercased().contains(lower) }.min { $0.count < $1.count }
    }
}
