/// Where a subschema sits: which document and the JSON pointer tokens inside it.
struct SchemaLocation: Hashable, Sendable {
    /// 0 is the schema being compiled; 1… are the extra resources in the order given.
    var document: Int
    var tokens: [String]

    func appending(_ token: String) -> SchemaLocation {
        SchemaLocation(document: document, tokens: tokens + [token])
    }

    func appending(_ tokens: [String]) -> SchemaLocation {
        SchemaLocation(document: document, tokens: self.tokens + tokens)
    }
}
