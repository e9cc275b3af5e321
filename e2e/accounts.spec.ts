import { AuthForms } from "./pages/auth-forms";
import { IMMUTABILITY_LESSON } from "./pages/lesson-page";
import { currentRole, expect, newAccountDetails, signUpViaApi, test } from "./support/accounts";

const ORIGIN_OF = (baseURL: string | undefined) => ({ origin: new URL(baseURL ?? "http://127.0.0.1:3100").origin });

test("a student signs up, signs out and signs in again from the header", async ({ page }) => {
  const me = newAccountDetails();
  const forms = new AuthForms(page);
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/sign-up$/);
  await forms.signUp(me);
  await expect(page).toHaveURL(/\/$/);
  const account = page.getByRole("link", { name: `Your account: ${me.name}, Student` });
  await expect(account).toBeVisible();

  // The session cookie is HttpOnly and SameSite=Lax (not Secure: the test server is plain http).
  const cookie = (await page.context().cookies()).find((c) => c.name.endsWith("better-auth.session_token"));
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false });

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" })).toBeVisible();
  expect(await currentRole(page.request)).toBeNull();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" }).click();
  await forms.signIn(me.email, "not-my-password");
  await expect(forms.error).toContainText("Invalid email or password");
  await forms.signIn(me.email.toUpperCase(), me.password);
  await expect(account).toBeVisible();
  await expect(page).toHaveURL(/\/$/);
});

test("anonymous visitors read lessons but are asked to sign in to grade or bookmark", async ({ page }) => {
  await page.goto(IMMUTABILITY_LESSON);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ensure Immutability of Containers at Runtime");
  await expect(page.getByRole("button", { name: /Bookmark/ })).toHaveCount(0);
  const signIn = page.getByRole("link", { name: "Sign in to check your work" });
  await expect(signIn).toBeVisible();
  await expect(page.getByRole("button", { name: "Check" })).toHaveCount(0);

  const grade = await page.request.post("/api/labs/runtime-security/immutable-containers/grade", { data: {} });
  expect(grade.status()).toBe(401);
  expect((await page.request.get("/api/cluster/contexts")).status()).toBe(401);

  // After signing in, the learner comes back to the lab.
  const me = await signUpViaApi(page.context().request);
  await page.context().clearCookies();
  await signIn.click();
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await new AuthForms(page).signIn(me.email, me.password);
  await expect(page).toHaveURL(new RegExp(`${IMMUTABILITY_LESSON}$`));
  await expect(page.getByRole("button", { name: "Check" })).toBeVisible();
});

test("a student is kept out of /admin, the admin API and the admin server actions", async ({
  page,
  student,
  instructorPage,
  baseURL,
}) => {
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/not-allowed$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your role does not open that page");

  const origin = ORIGIN_OF(baseURL);
  const setRole = await page.request.post("/api/auth/admin/set-role", {
    data: { userId: student.id, role: "instructor" },
    headers: origin,
  });
  expect(setRole.status()).toBe(403);
  const list = await page.request.get("/api/auth/admin/list-users");
  expect(list.status()).toBe(403);
  expect(await list.text()).not.toContain("@example.test");

  // Replay the instructor's real server-action request with the student's cookie, aimed at the student.
  const bystander = await signUpViaApi((await instructorPage.context().browser()!.newContext({ baseURL })).request);
  await instructorPage.goto("/admin");
  const row = instructorPage.getByRole("row").filter({ hasText: bystander.email });
  await row.getByRole("combobox").selectOption("grader");
  const [actionRequest] = await Promise.all([
    instructorPage.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]),
    row.getByRole("button", { name: "Save" }).click(),
  ]);
  await expect(row.getByText("Saved")).toBeVisible();
  const forged = actionRequest.postData()!.replace(bystander.id, student.id).replace('"grader"', '"instructor"');
  expect(forged).toContain(student.id);
  const replay = await page.request.post("/admin", {
    data: forged,
    headers: {
      ...origin,
      "next-action": actionRequest.headers()["next-action"]!,
      "content-type": actionRequest.headers()["content-type"] ?? "text/plain;charset=UTF-8",
      accept: "text/x-component",
    },
  });
  expect(await replay.text()).toContain("Only instructors can change other people");
  expect(await currentRole(page.request)).toBe("student");

  const settings = await page.request.post("/api/auth/admin/set-role", {
    data: { userId: bystander.id, role: "student" },
    headers: origin,
  });
  expect(settings.status()).toBe(403);
});

test("an instructor changes a role, which applies to the live session, and sets the sign-up mode", async ({
  page,
  student,
  instructorPage,
  browser,
  baseURL,
}) => {
  await instructorPage.goto("/admin");
  const people = instructorPage.getByRole("table");
  await expect(people.getByRole("columnheader")).toHaveText(["Name", "Email", "Role"]);
  const row = people.getByRole("row").filter({ hasText: student.email });
  await expect(row).toContainText(student.name);
  await row.getByRole("combobox", { name: `Role of ${student.name}` }).selectOption("grader");
  await row.getByRole("button", { name: "Save" }).click();
  await expect(row.getByText("Saved")).toBeVisible();

  await page.goto("/");
  await expect(page.getByRole("link", { name: `Your account: ${student.name}, Grader` })).toBeVisible();

  // The instructor's own role cannot be changed from the page.
  await expect(people.getByRole("row").filter({ hasText: "(you)" }).getByRole("combobox")).toBeDisabled();

  const radio = (label: string) => instructorPage.getByRole("radio", { name: label });
  const save = instructorPage.getByRole("button", { name: "Save sign-up settings" });
  const anonymous = await browser.newContext({ baseURL });
  try {
    await radio("Closed").check();
    await save.click();
    await expect(instructorPage.getByText("Sign-up settings saved.")).toBeVisible();
    const visitor = await anonymous.newPage();
    await visitor.goto("/sign-up");
    await expect(visitor.getByText("Sign-up is closed on this CKS Lab.")).toBeVisible();
    const refused = await anonymous.request.post("/api/auth/sign-up/email", { data: newAccountDetails() });
    expect(refused.status()).toBe(403);

    await radio("Invite code").check();
    await instructorPage.getByRole("textbox", { name: "Invite code" }).fill("class-of-2026");
    await save.click();
    await expect(instructorPage.getByText("Sign-up settings saved.")).toBeVisible();
    await visitor.goto("/sign-up");
    const forms = new AuthForms(visitor);
    const invited = newAccountDetails();
    await forms.signUp({ ...invited, inviteCode: "class-of-2025" });
    await expect(forms.error).toHaveText("That invite code is not right. Check it with your instructor.");
    await forms.signUp({ ...invited, inviteCode: "class-of-2026" });
    await expect(visitor.getByRole("link", { name: `Your account: ${invited.name}, Student` })).toBeVisible();
  } finally {
    await radio("Open").check();
    await save.click();
    await expect(instructorPage.getByText("Sign-up settings saved.")).toBeVisible();
    await anonymous.close();
  }
});

test("sign out everywhere ends the account's sessions in every browser", async ({
  page,
  student,
  browser,
  baseURL,
}) => {
  const laptop = await browser.newContext({ baseURL });
  try {
    const signIn = await laptop.request.post("/api/auth/sign-in/email", {
      data: { email: student.email, password: student.password },
    });
    expect(signIn.status()).toBe(200);
    expect(await currentRole(laptop.request)).toBe("student");

    await page.goto("/account");
    await expect(page.getByTestId("session-count")).toHaveText("2 browsers");
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" })).toBeVisible();
    expect(await currentRole(laptop.request)).toBeNull();
    expect(await currentRole(page.request)).toBeNull();
  } finally {
    await laptop.close();
  }
});

test("bad sign-ins from one address get 429 once the limit is reached", async ({ playwright, baseURL }) => {
  // Its own client address, so the limit does not spill into other tests (the limiter keys on IP and path).
  const address = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
  const client = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": address } });
  try {
    const victim = newAccountDetails();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await client.post("/api/auth/sign-in/email", {
        data: { email: victim.email, password: `guess-${i}-wrong` },
      });
      statuses.push(response.status());
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const limited = await client.post("/api/auth/sign-in/email", {
      data: { email: victim.email, password: "one-more-guess" },
    });
    expect(limited.status()).toBe(429);
    expect(Number(limited.headers()["x-retry-after"])).toBeGreaterThan(0);
  } finally {
    await client.dispose();
  }
});

test("screenshots of the account pages (light, dark and phone) are saved with the run", async ({
  browser,
  instructorPage,
}, testInfo) => {
  const variants = [
    { suffix: "light", options: { viewport: { width: 1280, height: 900 }, colorScheme: "light" as const } },
    { suffix: "dark", options: { viewport: { width: 1280, height: 900 }, colorScheme: "dark" as const } },
    { suffix: "phone", options: { viewport: { width: 390, height: 844 }, colorScheme: "light" as const } },
  ];
  const state = await instructorPage.context().storageState();
  for (const { suffix, options } of variants) {
    const anonymous = await browser.newContext({ ...options, baseURL: testInfo.project.use.baseURL });
    const signedIn = await browser.newContext({
      ...options,
      baseURL: testInfo.project.use.baseURL,
      storageState: state,
    });
    for (const [name, context, url] of [
      ["sign-in", anonymous, "/sign-in"],
      ["sign-up", anonymous, "/sign-up"],
      ["lesson-lab-anonymous", anonymous, `${IMMUTABILITY_LESSON}#practice-lab`],
      ["admin", signedIn, "/admin"],
      ["account", signedIn, "/account"],
    ] as const) {
      const page = await context.newPage();
      await page.goto(url);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      const path = testInfo.outputPath(`${name}-${suffix}.png`);
      await page.screenshot({ path, fullPage: name === "admin" });
      await testInfo.attach(`${name}-${suffix}`, { path, contentType: "image/png" });
      await page.close();
    }
    await anonymous.close();
    await signedIn.close();
  }
});
