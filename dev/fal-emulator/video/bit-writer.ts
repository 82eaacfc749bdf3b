/** MSB-first bit writer with H.264's Exp-Golomb codes (ITU-T H.264 §9.1). */
export class BitWriter {
  readonly #bytes: number[] = [];
  #current = 0;
  #used = 0;

  bit(value: number): void {
    this.#current = (this.#current << 1) | (value & 1);
    this.#used++;
    if (this.#used === 8) {
      this.#bytes.push(this.#current);
      this.#current = 0;
      this.#used = 0;
    }
  }

  /** `count` bits of `value`, most significant first (count ≤ 32). */
  bits(value: number, count: number): void {
    for (let i = count - 1; i >= 0; i--) this.bit(Math.floor(value / 2 ** i) % 2);
  }

  /** Unsigned Exp-Golomb, ue(v). */
  ue(value: number): void {
    const code = value + 1;
    const length = Math.floor(Math.log2(code));
    this.bits(0, length);
    this.bits(code, length + 1);
  }

  /** Signed Exp-Golomb, se(v): 0, 1, −1, 2, −2 … */
  se(value: number): void {
    this.ue(value > 0 ? 2 * value - 1 : -2 * value);
  }

  get aligned(): boolean {
    return this.#used === 0;
  }

  /** Zero bits up to the next byte boundary (pcm_alignment_zero_bit). */
  alignZero(): void {
    while (this.#used !== 0) this.bit(0);
  }

  byte(value: number): void {
    if (this.#used === 0) this.#bytes.push(value & 0xff);
    else this.bits(value, 8);
  }

  /** rbsp_trailing_bits: a stop bit, then zeros to the byte boundary; returns the RBSP. */
  finish(): Buffer {
    this.bit(1);
    this.alignZero();
    return Buffer.from(this.#bytes);
  }
}
