import StructuredOutput

/// Twenty schemas covering the supported subset, for the generation tests.
enum TestSchemas {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let text: String
        var description: String { name }
    }

    /// Tighter than the standard caps so that random sampling (which rarely closes a string
    /// early) keeps each generation well under the token bound.
    static let limits = (try? GrammarLimits(maxStringLength: 40, maxArrayItems: 5, maxObjectMembers: 4, maxDepth: 3)) ?? .standard

    static let all: [Case] = [
        Case(name: "flat", text: #"{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},"active":{"type":"boolean"}},"required":["name","age","active"]}"#),
        Case(name: "optional", text: #"{"type":"object","properties":{"a":{"type":"string","maxLength":8},"b":{"type":"number"},"c":{"type":"boolean"},"d":{"type":"null"},"e":{"type":"integer"}},"required":["a","d"],"additionalProperties":false}"#),
        Case(name: "string bounds", text: #"{"type":"object","properties":{"code":{"type":"string","minLength":3,"maxLength":5},"note":{"type":"string","maxLength":1},"long":{"type":"string","minLength":30,"maxLength":60}},"required":["code","note","long"]}"#),
        Case(name: "enums", text: #"{"type":"object","properties":{"color":{"enum":["red","green","blue","reddish"]},"size":{"enum":[1,12,123]},"mixed":{"enum":[null,true,"x",{"k":1},[1,2]]}},"required":["color","size","mixed"]}"#),
        Case(name: "const", text: #"{"type":"object","properties":{"v":{"const":"fixed \"quote\" é"},"w":{"const":{"a":[1,{"b":null}]}}},"required":["v","w"]}"#),
        Case(name: "integer bounds", text: #"{"type":"object","properties":{"small":{"type":"integer","minimum":-5,"maximum":5},"big":{"type":"integer","minimum":1000,"maximum":1005},"open":{"type":"integer","exclusiveMinimum":0,"exclusiveMaximum":10},"floor":{"type":"integer","minimum":42},"negative":{"type":"integer","maximum":-100,"minimum":-120}},"required":["small","big","open","floor","negative"]}"#),
        Case(name: "numbers", text: #"{"type":"array","items":{"type":"number"},"minItems":1,"maxItems":6}"#),
        Case(name: "bounded numbers", text: #"{"type":"object","properties":{"unit":{"type":"number","minimum":0,"maximum":1},"range":{"type":"number","minimum":-2.5,"maximum":2.5},"positive":{"type":"number","exclusiveMinimum":0}},"required":["unit","range","positive"]}"#),
        Case(name: "string array", text: #"{"type":"object","properties":{"tags":{"type":"array","items":{"type":"string","maxLength":10},"minItems":2,"maxItems":3}},"required":["tags"]}"#),
        Case(name: "nested", text: #"{"type":"object","properties":{"user":{"type":"object","properties":{"name":{"type":"string","maxLength":12},"emails":{"type":"array","items":{"type":"string","maxLength":20},"maxItems":3}},"required":["name","emails"]},"scores":{"type":"array","items":{"type":"integer","minimum":0,"maximum":100},"maxItems":4}},"required":["user","scores"]}"#),
        Case(name: "anyOf scalars", text: #"{"type":"array","items":{"anyOf":[{"type":"string","maxLength":6},{"type":"integer"},{"type":"null"}]},"maxItems":5}"#),
        Case(name: "type list", text: #"{"type":"object","properties":{"maybe":{"type":["string","null"],"maxLength":10},"either":{"type":["integer","boolean"]}},"required":["maybe","either"]}"#),
        Case(name: "anyOf objects", text: #"{"anyOf":[{"type":"object","properties":{"kind":{"const":"a"},"x":{"type":"integer"}},"required":["kind","x"]},{"type":"object","properties":{"kind":{"const":"b"},"y":{"type":"string","maxLength":5}},"required":["kind"]},{"type":"object","properties":{"kind":{"const":"a"},"z":{"type":"boolean"}},"required":["kind","z"]}]}"#),
        Case(name: "free object", text: #"{"type":"object","properties":{"id":{"type":"integer"},"meta":{"type":"object"}},"required":["id","meta"]}"#),
        Case(name: "any value", text: #"{"description":"anything at all"}"#),
        Case(name: "array of anything", text: #"{"type":"array","maxItems":4}"#),
        Case(name: "short strings", text: #"{"type":"array","items":{"type":"string","maxLength":2},"minItems":3,"maxItems":5}"#),
        Case(name: "closed empty", text: #"{"type":"object","properties":{"empty":{"type":"object","additionalProperties":false},"list":{"type":"array","maxItems":0}},"required":["empty","list"]}"#),
        Case(name: "deep", text: #"{"type":"array","maxItems":2,"items":{"type":"array","maxItems":2,"items":{"type":"object","properties":{"level":{"enum":["low","high"]},"ok":{"type":"boolean"}},"required":["level"]}}}"#),
        Case(name: "tool call", text: #"{"type":"object","properties":{"name":{"const":"calculator"},"arguments":{"type":"object","properties":{"expression":{"type":"string","maxLength":30},"precision":{"type":"integer","minimum":0,"maximum":10}},"required":["expression"]}},"required":["name","arguments"]}"#),
    ]

    static func schema(_ testCase: Case) throws -> JSONValue { try JSONValue(parsing: testCase.text) }
}
