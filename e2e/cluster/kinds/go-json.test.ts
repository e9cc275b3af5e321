import { describe, expect, it } from "vitest";
import { goJsonObjectProblem } from "./go-json";

// Expected texts are encoding/json's, as `json.Unmarshal(data, &map[string]any{})` returns them.
describe("goJsonObjectProblem", () => {
  it.each([
    ['{"auths":{"r.example":{"auth":"dTpw"}}}', undefined],
    ["  {}  ", undefined],
    ["null", undefined],
    ["", "unexpected end of JSON input"],
    ['{"auths":', "unexpected end of JSON input"],
    ["hello", "invalid character 'h' looking for beginning of value"],
    ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', "invalid character '\"' after object key:value pair"],
    ["[1 2]", "invalid character '2' after array element"],
    ["{} x", "invalid character 'x' after top-level value"],
    ["tru", "unexpected end of JSON input"],
    ["trux", "invalid character 'x' in literal true (expecting 'e')"],
    ["-x", "invalid character 'x' in numeric literal"],
    ['"a\\qb"', "invalid character 'q' in string escape code"],
    ["[1,2]", "json: cannot unmarshal array into Go value of type map[string]interface {}"],
    ['"text"', "json: cannot unmarshal string into Go value of type map[string]interface {}"],
    ["12.5e3", "json: cannot unmarshal number into Go value of type map[string]interface {}"],
    ["true", "json: cannot unmarshal bool into Go value of type map[string]interface {}"],
  ])("%j -> %s", (input, expected) => {
    expect(goJsonObjectProblem(input)).toBe(expected);
  });
});
