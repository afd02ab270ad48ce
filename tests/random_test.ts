// Golden numbers come from CPython 3.11.2 and NumPy 1.24.2 (Debian's /usr/bin/python3); the
// command that printed each list is in the comment above it. All are asserted bit for bit.
import { assert, assertEquals, assertThrows } from "@std/assert";
import { PyRandom, random, RandomState } from "../mod.ts";

Deno.test("PyRandom.uniform() gives micrograd's first weights after seed(1337)", () => {
  // python3 -c "import random; random.seed(1337); print([random.uniform(-1, 1) for _ in range(5)])"
  const expected = [
    0.23550571390294128,
    0.06653114721000164,
    -0.26830328150124894,
    0.1715747078045431,
    -0.6686254326224383,
  ];
  random.seed(1337);
  assertEquals(expected.map(() => random.uniform(-1, 1)), expected);
});

Deno.test("PyRandom.seed() splits integers into 32-bit words as CPython does", async (t) => {
  // python3 -c "import random; random.seed(S); print([random.random() for _ in range(2)])"
  const cases: [number | bigint, number[]][] = [
    [0, [0.8444218515250481, 0.7579544029403025]],
    [1337, [0.6177528569514706, 0.5332655736050008]],
    [-1337, [0.6177528569514706, 0.5332655736050008]], // CPython seeds with abs(n)
    [2 ** 32, [0.11299430095636409, 0.41782886486292836]],
    [2 ** 40 + 5, [0.5043802970418443, 0.2686044399723282]],
    [2n ** 100n + 7n, [0.41604161323913513, 0.32676498245430574]],
  ];
  for (const [seed, expected] of cases) {
    await t.step(`seed ${seed}`, () => {
      const rng = new PyRandom(seed);
      assertEquals([rng.random(), rng.random()], expected);
    });
  }
  await t.step("a bigint seed equals the same number", () => {
    assertEquals(new PyRandom(1337n).random(), new PyRandom(1337).random());
  });
});

Deno.test("PyRandom.gauss() caches the second Box–Muller value until reseeded", async (t) => {
  await t.step("a run of draws", () => {
    // python3 -c "import random; random.seed(1337); print([random.gauss(0, 1) for _ in range(5)])"
    const rng = new PyRandom(1337);
    assertEquals([0, 1, 2, 3, 4].map(() => rng.gauss(0, 1)), [
      -0.9117532932976627,
      -0.8322834003509737,
      -0.8833109857747158,
      0.9912180893337817,
      0.9424983732594854,
    ]);
  });
  await t.step("the cached value costs no random() draw", () => {
    // python3 -c "import random; random.seed(1337); print([random.gauss(1, 2), random.random(), random.gauss(1, 2), random.gauss(1, 2)])"
    const rng = new PyRandom(1337);
    assertEquals([rng.gauss(1, 2), rng.random(), rng.gauss(1, 2), rng.gauss(1, 2)], [
      -0.8235065865953255,
      0.36584835924937553,
      -0.6645668007019474,
      -0.03313186513185529,
    ]);
  });
  await t.step("seed() forgets the cached value", () => {
    const rng = new PyRandom(1337);
    const first = rng.gauss();
    rng.seed(1337);
    assertEquals(rng.gauss(), first);
  });
});

Deno.test("PyRandom.gauss() draws microgpt's initial weights", async (t) => {
  await t.step("the first draws, bit for bit", () => {
    // python3 -c "import random; random.seed(42); print([random.gauss(0, 0.08) for _ in range(4)])"
    const rng = new PyRandom(42);
    assertEquals([0, 1, 2, 3].map(() => rng.gauss(0, 0.08)), [
      -0.011527226366234268,
      -0.013832288026521545,
      -0.008905268925412997,
      0.05615869800790905,
    ]);
  });
  await t.step("where V8's Math.cos/sin/log round unlike glibc, 1 ulp at most", () => {
    // Draw 547 is one of them (glibc 2.36, x86-64): the only golden numbers here not asserted
    // bit for bit. python3 -c "import random; random.seed(42)
    // g = [random.gauss(0, 0.08) for _ in range(550)]; print(g[544:550])"
    const expected = [
      -0.04566856436203782,
      0.11132596246074998,
      0.07765883352435948,
      -0.020892579815836542,
      -0.0069356792041467665,
      -0.03104191708389651,
    ];
    const rng = new PyRandom(42);
    const draws = Array.from({ length: 550 }, () => rng.gauss(0, 0.08)).slice(544);
    draws.forEach((x, i) => {
      const ulp = 2 ** (Math.floor(Math.log2(Math.abs(expected[i]))) - 52);
      assert(Math.abs(x - expected[i]) <= ulp, `draw ${544 + i}: ${x} vs ${expected[i]}`);
    });
  });
});

Deno.test("PyRandom.choices() picks what random.choices picks", async (t) => {
  await t.step("without weights: floor(random() * n)", () => {
    // python3 -c "import random; random.seed(7); print(random.choices(range(10), k=12))"
    const digits = Array.from({ length: 10 }, (_, i) => i);
    assertEquals(new PyRandom(7).choices(digits, { k: 12 }), [3, 1, 6, 0, 5, 3, 0, 5, 0, 4, 0, 0]);
  });
  await t.step("with weights: bisect on the running totals", () => {
    // python3 -c "import random; random.seed(7); print(random.choices('abcd', weights=[0.5, 0, 2.25, 1e-3], k=12))"
    const picks = new PyRandom(7).choices([..."abcd"], { weights: [0.5, 0, 2.25, 1e-3], k: 12 });
    assertEquals(picks.join(""), "cacaccacacaa");
  });
  await t.step("with cumWeights, Python's cum_weights", () => {
    // python3 -c "import random; random.seed(7); print(random.choices('abcd', cum_weights=[1, 1, 3, 3.5], k=12))"
    const picks = new PyRandom(7).choices([..."abcd"], { cumWeights: [1, 1, 3, 3.5], k: 12 });
    assertEquals(picks.join(""), "cacaccacacaa");
  });
  await t.step("one draw by default, none for k = 0, zero weights never picked", () => {
    // python3 -c "import random; random.seed(7); print(random.choices('abcd', weights=[0, 0, 0, 5], k=3), random.choices('ab', k=0), random.random())"
    const rng = new PyRandom(7);
    assertEquals(rng.choices([..."abcd"], { weights: [0, 0, 0, 5], k: 3 }), ["d", "d", "d"]);
    assertEquals(rng.choices([..."ab"], { k: 0 }), []);
    assertEquals(rng.random(), 0.07243628666754276);
    assertEquals(new PyRandom(7).choices([1, 2, 3]).length, 1);
  });
});

Deno.test("PyRandom.choices() rejects bad input without drawing", () => {
  const rng = new PyRandom(1);
  const abc = [..."abc"];
  assertThrows(
    () => rng.choices("abc" as never),
    TypeError,
    'Cannot draw choices: expected an array, got string "abc"',
  );
  assertThrows(() => rng.choices(abc, 2 as never), TypeError, "options must be an object, got 2");
  assertThrows(
    () => rng.choices(abc, { cum_weights: [1, 2, 3] } as never),
    TypeError,
    `the options are weights, cumWeights, k, got "cum_weights" (Python's cum_weights is cumWeights)`,
  );
  assertThrows(
    () => rng.choices(abc, { weights: [1, 1, 1], cumWeights: [1, 2, 3] }),
    TypeError,
    "give weights or cumWeights, not both",
  );
  assertThrows(
    () => rng.choices(abc, { k: "2" as never }),
    TypeError,
    'k must be a number, got string "2"',
  );
  assertThrows(() => rng.choices(abc, { k: 1.5 }), RangeError, "k must be a safe integer, got 1.5");
  assertThrows(() => rng.choices(abc, { k: -1 }), RangeError, "k must be non-negative, got -1");
  assertThrows(() => rng.choices([]), RangeError, "the population is empty");
  assertThrows(
    () => rng.choices(abc, { weights: 3 as never }),
    TypeError,
    "expected an array, got 3",
  );
  assertThrows(
    () => rng.choices(abc, { weights: [1, 2] }),
    RangeError,
    "weights must have one number per element (3), got 2",
  );
  assertThrows(
    () => rng.choices(abc, { weights: [1, "2", 3] as never }),
    TypeError,
    'weights[1] must be a number, got string "2"',
  );
  assertThrows(
    () => rng.choices(abc, { weights: [1, NaN, 3] }),
    RangeError,
    "weights[1] must be finite, got NaN",
  );
  assertThrows(
    () => rng.choices(abc, { weights: [1, -2, 3] }),
    RangeError,
    "weights must be non-negative, got -2 at index 1",
  );
  assertThrows(
    () => rng.choices(abc, { cumWeights: [1, 3, 2] }),
    RangeError,
    "cumWeights must be non-negative and never go down, got 2 at index 2",
  );
  assertThrows(
    () => rng.choices(abc, { weights: [0, 0, 0] }),
    RangeError,
    "the weights must sum to a positive finite number, got 0",
  );
  assertThrows(() => rng.choices(abc, { weights: [1e308, 1e308, 0] }), RangeError, "got Infinity");
  assertEquals(rng.random(), new PyRandom(1).random());
});

Deno.test("PyRandom integer draws match getrandbits and _randbelow", async (t) => {
  await t.step("getrandbits fills low words first", () => {
    // python3 -c "import random; random.seed(1337); print([random.getrandbits(k) for k in (0, 1, 31, 32, 33, 40, 53)])"
    const rng = new PyRandom(1337);
    assertEquals([0, 1, 31, 32, 33, 40, 53].map((k) => rng.getrandbits(k)), [
      0,
      1,
      1987572157,
      2290358181,
      3048911309,
      642402463152,
      1492379724772792,
    ]);
  });
  await t.step("randint over wide and narrow ranges", () => {
    // python3 -c "import random; random.seed(1337); print([random.randint(0, 2**40) for _ in range(3)], [random.randint(-3, 3) for _ in range(6)], random.randint(7, 7))"
    const rng = new PyRandom(1337);
    assertEquals([0, 1, 2].map(() => rng.randint(0, 2 ** 40)), [
      733685098606,
      793665343741,
      860314734534,
    ]);
    assertEquals([0, 1, 2, 3, 4, 5].map(() => rng.randint(-3, 3)), [2, -2, 3, 2, 3, -1]);
    assertEquals(rng.randint(7, 7), 7);
  });
  await t.step("shuffle", () => {
    // python3 -c "import random; random.seed(1337); x = list(range(20)); random.shuffle(x); print(x)"
    const x = Array.from({ length: 20 }, (_, i) => i);
    new PyRandom(1337).shuffle(x);
    assertEquals(x, [13, 1, 2, 9, 7, 8, 0, 18, 3, 14, 4, 16, 12, 15, 6, 10, 5, 11, 17, 19]);
  });
  await t.step("shuffle past a power of two, and the draws it leaves", () => {
    // python3 -c "import random; random.seed(42); x = list(range(33)); random.shuffle(x); print(x)"
    const x = Array.from({ length: 33 }, (_, i) => i);
    new PyRandom(42).shuffle(x);
    assertEquals(x, [
      ...[27, 5, 11, 16, 26, 12, 20, 15, 10, 14, 19, 22, 9, 29, 24, 6, 25, 0, 31, 13, 18, 2, 17],
      ...[21, 3, 30, 4, 28, 32, 8, 23, 1, 7],
    ]);
    // python3 -c "import random; random.seed(42); x = list(range(2)); random.shuffle(x)
    // y = list(range(3)); random.shuffle(y); print(x, y, random.random())"
    const rng = new PyRandom(42);
    const [a, b] = [[0, 1], [0, 1, 2]];
    rng.shuffle(a);
    rng.shuffle(b);
    assertEquals([a, b, rng.random()], [[1, 0], [2, 1, 0], 0.24489185380347622]);
  });
  await t.step("choice", () => {
    // python3 -c "import random; random.seed(1337); print([random.choice('abcdefg') for _ in range(6)])"
    const rng = new PyRandom(1337);
    const letters = [..."abcdefg"];
    assertEquals([0, 1, 2, 3, 4, 5].map(() => rng.choice(letters)), [
      "e",
      "e",
      "f",
      "c",
      "e",
      "e",
    ]);
  });
});

Deno.test("PyRandom without a seed draws from OS entropy", () => {
  const a = new PyRandom();
  const b = new PyRandom();
  assert(a.random() !== b.random() || a.random() !== b.random());
});

Deno.test("PyRandom rejects bad input without drawing", async (t) => {
  const rng = new PyRandom(1);
  await t.step("seeds", () => {
    assertThrows(
      () => rng.seed(1.5),
      RangeError,
      "Cannot seed PyRandom: seed must be an integer, got 1.5",
    );
    assertThrows(() => rng.seed(NaN), RangeError, "got NaN");
    assertThrows(() => rng.seed("1" as never), TypeError, 'got string "1"');
    assertThrows(() => new PyRandom(null as never), TypeError, "got null");
  });
  await t.step("numbers", () => {
    assertThrows(
      () => rng.uniform("0" as never, 1),
      TypeError,
      "Cannot draw uniform: a must be a number",
    );
    assertThrows(
      () => rng.gauss(0, null as never),
      TypeError,
      "sigma must be a number, got null",
    );
    assertThrows(() => rng.getrandbits(54), RangeError, "from 0 to 53, got 54");
    assertThrows(() => rng.getrandbits(2.5), RangeError, "safe integer, got 2.5");
    assertThrows(() => rng.randint(3, 2), RangeError, "the range 3..2 is empty");
    assertThrows(() => rng.randint(0, 0.5), RangeError, "b must be a safe integer");
  });
  await t.step("sequences", () => {
    assertThrows(() => rng.choice([]), RangeError, "Cannot choose: the array is empty");
    assertThrows(() => rng.choice("abc" as never), TypeError, 'got string "abc"');
    assertThrows(() => rng.shuffle(new Set() as never), TypeError, "Cannot shuffle");
  });
  await t.step("nothing was drawn", () => {
    assertEquals(rng.random(), new PyRandom(1).random());
  });
});

Deno.test("RandomState.seed() seeds as np.random.seed does", async (t) => {
  // python3 -c "import numpy as np; np.random.seed(S); print(np.random.random_sample(N).tolist())"
  await t.step("1337", () => {
    assertEquals(new RandomState(1337).randomSample(5), [
      0.2620246750155817,
      0.1586839721544656,
      0.27812651949435974,
      0.45931688721456665,
      0.32100054052016713,
    ]);
  });
  await t.step("0, 2**32 - 1 and [1, 2, 3]", () => {
    assertEquals(new RandomState(0).randomSample(2), [0.5488135039273248, 0.7151893663724195]);
    assertEquals(new RandomState(2 ** 32 - 1).randomSample(2), [
      0.0976320289940138,
      0.9123828453026218,
    ]);
    assertEquals(new RandomState([1, 2, 3]).randomSample(2), [
      0.6098612722867289,
      0.8866970434146851,
    ]);
  });
  await t.step("one number at a time equals the array", () => {
    const rs = new RandomState(1337);
    assertEquals(rs.randomSample(), 0.2620246750155817);
    assertEquals(rs.randomSample(0), []);
  });
});

Deno.test("RandomState.randint() uses masked rejection with 32- and 64-bit draws", () => {
  // python3 -c "import numpy as np; np.random.seed(1337); print(np.random.randint(0, 2**40, 4).tolist(), np.random.randint(-5, 5, (2, 3)).tolist(), np.random.randint(10), np.random.randint(0, 2**32 + 1, 3).tolist())"
  const rs = new RandomState(1337);
  assertEquals(rs.randint(0, 2 ** 40, { size: 4 }), [
    650947518653,
    396050048232,
    719592052185,
    717405444442,
  ]);
  assertEquals(rs.randint(-5, 5, { size: [2, 3] }), [[-3, -3, -1], [3, 4, 1]]);
  assertEquals(rs.randint(10), 6);
  assertEquals(rs.randint(0, 2 ** 32 + 1, { size: 3 }), [3147414551, 495099009, 2699392022]);
});

Deno.test("RandomState.shuffle() permutes like legacy np.random.shuffle", () => {
  // python3 -c "import numpy as np; np.random.seed(1337); a = np.arange(20); np.random.shuffle(a); print(a.tolist())"
  const a = Array.from({ length: 20 }, (_, i) => i);
  new RandomState(1337).shuffle(a);
  assertEquals(a, [5, 3, 4, 0, 15, 11, 2, 12, 13, 1, 16, 17, 10, 14, 6, 9, 19, 18, 7, 8]);
  const empty: number[] = [];
  new RandomState(1).shuffle(empty);
  assertEquals(empty, []);
});

Deno.test("RandomState.normal() uses the polar method and caches the second value", async (t) => {
  await t.step("loc and scale", () => {
    // python3 -c "import numpy as np; np.random.seed(1337); print(np.random.normal(2, 3, 5).tolist())"
    assertEquals(new RandomState(1337).normal(2, 3, { size: 5 }), [
      -0.10956192958723143,
      0.5291529116368561,
      1.0345570110495421,
      -3.26523615137196,
      2.6199934106414915,
    ]);
  });
  await t.step("rows are filled in row-major order", () => {
    // python3 -c "import numpy as np; np.random.seed(1337); print(np.random.normal(0, 1, (2, 3)).tolist())"
    assertEquals(new RandomState(1337).normal(0, 1, { size: [2, 3] }), [
      [-0.7031873098624105, -0.49028236278771464, -0.3218143296501526],
      [-1.7550787171239868, 0.20666447021383047, -2.011264572814634],
    ]);
  });
  await t.step("the cached value costs no uniform draw", () => {
    // python3 -c "import numpy as np; np.random.seed(1337); print([np.random.normal(), np.random.random_sample(), np.random.normal(), np.random.normal()])"
    const rs = new RandomState(1337);
    assertEquals([rs.normal(), rs.randomSample(), rs.normal(), rs.normal()], [
      -0.7031873098624105,
      0.27812651949435974,
      -0.49028236278771464,
      -1.9522526212133662,
    ]);
  });
  await t.step("scale 0 still draws", () => {
    // python3 -c "import numpy as np; np.random.seed(1337); print([np.random.normal(5, 0), np.random.normal()])"
    const rs = new RandomState(1337);
    assertEquals([rs.normal(5, 0), rs.normal()], [5, -0.49028236278771464]);
  });
  await t.step("seed() forgets the cached value", () => {
    const rs = new RandomState(1337);
    rs.normal();
    rs.seed(1337);
    assertEquals(rs.normal(), -0.7031873098624105);
  });
});

Deno.test("RandomState rejects bad input without drawing", async (t) => {
  const rs = new RandomState(7);
  await t.step("seeds", () => {
    // NumPy: np.random.seed(2**32) raises "Seed must be between 0 and 2**32 - 1"
    assertThrows(() => new RandomState(2 ** 32), RangeError, "from 0 to 2**32 - 1, got 4294967296");
    assertThrows(() => new RandomState(-1), RangeError, "got -1");
    assertThrows(() => new RandomState(0.5), RangeError, "got 0.5");
    assertThrows(() => new RandomState([]), RangeError, "the seed array is empty");
    assertThrows(() => new RandomState([1, "2"] as never), TypeError, 'got string "2"');
    assertThrows(() => rs.seed(1n as never), TypeError, "got bigint 1n");
  });
  await t.step("draws", () => {
    assertThrows(() => rs.normal(0, -1), RangeError, "scale finite and non-negative");
    assertThrows(() => rs.normal(0, "1" as never), TypeError, "scale must be a number");
    assertThrows(
      () => rs.normal(0, 1, { size: -1 }),
      RangeError,
      "size must be a non-negative integer, got -1",
    );
    assertThrows(() => rs.normal(0, 1, { size: [1, 2, 3] as never }), RangeError, "[rows, cols]");
    assertThrows(() => rs.randint(5, 5), RangeError, "the range [5, 5) is empty");
    assertThrows(
      () => rs.randomSample(1.5),
      RangeError,
      "size must be a non-negative integer, got 1.5",
    );
    assertThrows(() => rs.shuffle("abc" as never), TypeError, "Cannot shuffle");
  });
  await t.step("nothing was drawn", () => {
    assertEquals(rs.randomSample(), new RandomState(7).randomSample());
  });
});
