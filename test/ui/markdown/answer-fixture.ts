/** A model answer using every supported construct, for streaming tests and benchmarks. */
export const answerFixture = `# Setting up the widget

Add the **script tag** to your page, then *configure* it. See the [docs](https://docs.example.com/setup "Setup") or <https://example.com>.
Soft break here, and a hard one:  
next line with \`inline code\` and ~~old~~ text.

## Options

1. Install the package:
   \`\`\`sh
   npm install inkeep-chat
   \`\`\`
2. Import it
   - in an SPA
   - or with a *script* tag
     1. nested ordered
3. Done

- loose item

- another loose item

> **Note:** quotes can hold lists
> - like this
>
> and more text

| Option | Type | Default |
|:-------|:----:|--------:|
| \`app-id\` | string | — |
| \`mode\` | "inline" \\| "popup" | popup |

---

\`\`\`ts
const chat = document.querySelector('inkeep-chat');
chat.addEventListener('inkeep-chat-error', (event) => {
  console.error(event.detail);
});
\`\`\`

~~~
tilde fence with \`\`\` inside
~~~

Raw <b>HTML</b> stays text &amp; entities decode; mail <help@example.com>; bare https://example.com/path.
`;
