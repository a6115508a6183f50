// The few jstat functions af-lab uses (jstat ships no type declarations).
declare module 'jstat' {
  interface ContinuousDistribution {
    pdf(x: number, ...params: number[]): number;
    cdf(x: number, ...params: number[]): number;
    inv(p: number, ...params: number[]): number;
  }
  const jStat: {
    normal: ContinuousDistribution;
    beta: ContinuousDistribution;
    studentt: ContinuousDistribution;
    gammaln(x: number): number;
  };
  export default jStat;
}
