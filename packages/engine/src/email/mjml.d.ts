// mjml@5 ships no types: the part Tandem uses (compile MJML to HTML, soft validation).
declare module 'mjml' {
  interface MjmlError {
    readonly line: number;
    readonly message: string;
    readonly tagName: string;
    readonly formattedMessage: string;
  }
  interface MjmlOptions {
    readonly validationLevel?: 'strict' | 'soft' | 'skip';
    readonly minify?: boolean;
    readonly keepComments?: boolean;
  }
  // biome-ignore lint/style/noDefaultExport: mjml's own module shape (a default export).
  export default function mjml2html(
    mjml: string,
    options?: MjmlOptions,
  ): Promise<{ html: string; errors: MjmlError[] }>;
}
